import type { LoopsContractServer } from '../../../tools/loops-contract-server';
import { json, runLoops, startServer } from './setup';

describe('Loops node · Mailing lists and contact properties', () => {
	let server: LoopsContractServer;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(async () => await server.close());
	beforeEach(() => server.reset());

	it('mailing list get many: one item per list', async () => {
		const out = await runLoops(server, { resource: 'mailingList', operation: 'getMany' });
		expect(json(out)).toEqual(server.state.mailingLists());
		expect(out.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('contact property get many: all, or custom only', async () => {
		const all = await runLoops(server, { resource: 'contactProperty', operation: 'getMany', list: 'all' });
		const custom = await runLoops(server, { resource: 'contactProperty', operation: 'getMany', list: 'custom' });
		expect(json(all).map((p) => p.key)).toEqual(expect.arrayContaining(['email', 'firstName', 'plan']));
		expect(json(custom).map((p) => p.key)).toEqual(['plan', 'lifetimeValue', 'isVip', 'trialEndsAt']);
		expect(json(custom)[0]).toEqual({ key: 'plan', label: 'Plan', type: 'string' });
	});

	it('contact property create; a duplicate surfaces Loops’ message; a bad name never reaches Loops', async () => {
		const out = await runLoops(server, { resource: 'contactProperty', operation: 'create', name: 'favoriteColor', type: 'string' });
		expect(json(out)).toEqual([{ name: 'favoriteColor', type: 'string', created: true }]);
		expect(server.state.properties().find((p) => p.key === 'favoriteColor')).toMatchObject({ type: 'string', custom: true });

		await expect(runLoops(server, { resource: 'contactProperty', operation: 'create', name: 'favoriteColor', type: 'string' })).rejects.toThrow(
			'Loops: A property named "favoriteColor" already exists.',
		);
		const before = server.state.requestLog().length;
		await expect(runLoops(server, { resource: 'contactProperty', operation: 'create', name: 'Favorite color', type: 'string' })).rejects.toThrow(
			'"Favorite color" is not a camelCase property name',
		);
		expect(server.state.requestLog()).toHaveLength(before);
	});
});
