// Load test run against staging before every production deploy (CI job
// `deploy-staging`): the expected peak, 50 users for two minutes.
import http from 'k6/http';
import { check, sleep } from 'k6';

export const options = {
  vus: 50,
  duration: '2m',
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<500'],
  },
};

const baseUrl = __ENV.BASE_URL;

export default function () {
  const catalog = http.get(`${baseUrl}/catalog/currencies`);
  check(catalog, { 'the catalog answers 200': (r) => r.status === 200 });
  const health = http.get(`${baseUrl}/health`);
  check(health, { 'health answers 200': (r) => r.status === 200 });
  sleep(1);
}
