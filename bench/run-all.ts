/** `npm run bench`: every benchmark, one after another, each in its own process so none warms another. */
import { spawnSync } from 'child_process';
import { join } from 'path';

const benches = ['trigger', 'loops', 'burst', 'host', 'lookup'];
let failures = 0;
for (const name of benches) {
	console.log(`\n=== bench/${name}.ts ===`);
	const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), join(__dirname, `${name}.ts`)], {
		stdio: 'inherit',
	});
	if (run.status !== 0) {
		failures += 1;
		console.log(`bench/${name}.ts exited with ${run.status ?? run.signal}`);
	}
}
process.exit(failures === 0 ? 0 : 1);
