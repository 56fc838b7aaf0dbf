import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module';

// Every endpoint through the server, signed out: each answers as documented.
describe('shop-api endpoints', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication();
    app.setGlobalPrefix('api', { exclude: ['health'] });
    await app.init();
  });

  afterAll(() => app.close());

  it('answers readiness with its dependencies', async () => {
    await request(app.getHttpServer()).get('/health/ready').expect(200);
  });

  it('lists the currencies without a session', async () => {
    await request(app.getHttpServer()).get('/api/catalog/currencies').expect(200);
  });

  it('answers a reset request the same whether or not the address has an account', async () => {
    await request(app.getHttpServer())
      .post('/api/auth/forgot-password')
      .send({ email: 'nobody@example.com' })
      .expect(200);
  });

  it('refuses the account routes without a session', async () => {
    await request(app.getHttpServer()).get('/api/users/me/export').expect(401);
    await request(app.getHttpServer()).delete('/api/users/me').expect(401);
  });
});
