import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { LoopsClient } from '../transport';

/** What every <op>.operation.ts exports. */
export interface LoopsOperation {
	description: INodeProperties[];
	/** Runs the operation for one item; an array becomes one output item per entry. */
	execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject | IDataObject[]>;
	/** Items with the same key run in input order (e.g. the contact's email). */
	orderingKey?(this: IExecuteFunctions, itemIndex: number): string | undefined;
}
