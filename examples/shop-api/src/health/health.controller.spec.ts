import { HealthController } from './health.controller';

// A unit test: the controller with its indicators stubbed.
describe('HealthController', () => {
  it('checks the heap', async () => {
    const health = { check: async (checks: Array<() => unknown>) => ({ status: 'ok', count: checks.length }) };
    const controller = new HealthController(health as never, { checkHeap: () => ({}) } as never);
    expect(await controller.check()).toEqual({ status: 'ok', count: 1 });
  });
});
