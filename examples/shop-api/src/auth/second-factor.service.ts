import { Injectable } from '@nestjs/common';
import { authenticator } from 'otplib';

/** TOTP codes, asked of administrators after their password. */
@Injectable()
export class SecondFactorService {
  verify(code: string, secret: string): boolean {
    return authenticator.check(code, secret);
  }
}
