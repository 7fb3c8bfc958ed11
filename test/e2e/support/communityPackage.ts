/** The package as n8n's community-node installer leaves it in one n8n process's user folder. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { communityNodesFolder } from '../../../scripts/lib/communityPackage';

/** Both nodes, nothing installed next to them (no runtime dependencies), the installer's ledger, and n8n loaded it without complaint. */
export function expectInstalledAsCommunityPackage(userFolder: string, n8nLog: string): void {
	const nodesFolder = communityNodesFolder(userFolder);
	const packageFolder = join(nodesFolder, 'node_modules', 'n8n-nodes-stripe-loops');
	expect(existsSync(join(packageFolder, 'dist/nodes/StripeContactTrigger/StripeContactTrigger.node.js'))).toBe(true);
	expect(existsSync(join(packageFolder, 'dist/nodes/Loops/Loops.node.js'))).toBe(true);
	expect(existsSync(join(packageFolder, 'node_modules'))).toBe(false);
	const ledger = JSON.parse(readFileSync(join(nodesFolder, 'package.json'), 'utf8')) as { dependencies: object };
	expect(ledger.dependencies).toHaveProperty('n8n-nodes-stripe-loops');
	expect(n8nLog).not.toMatch(/Failed to load package|Skipping package "n8n-nodes-stripe-loops"|Unrecognized node type/);
}
