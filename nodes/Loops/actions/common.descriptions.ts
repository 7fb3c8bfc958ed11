import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

export const emailField = (description?: string): INodeProperties => ({
	displayName: 'Email',
	name: 'email',
	type: 'string',
	placeholder: 'name@email.com',
	required: true,
	default: '',
	...(description ? { description } : {}),
});

/** The collection of optional fields an operation shows below its required ones. */
export function additionalFields(
	show: IDisplayOptions['show'],
	options: INodeProperties[],
	collection: Pick<INodeProperties, 'displayName' | 'name'> = { displayName: 'Additional Fields', name: 'additionalFields' },
): INodeProperties {
	const { displayName, name } = collection;
	return { displayName, name, type: 'collection', placeholder: 'Add Field', default: {}, displayOptions: { show }, options };
}

/** Subscribe/unsubscribe pairs of mailing-list pickers (GET /lists). */
export const mailingListFields: INodeProperties[] = [
	{
		displayName: 'Subscribe to Mailing List Names or IDs',
		name: 'subscribeToLists',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getMailingLists' },
		default: [],
		description:
			'Lists to add the contact to. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Unsubscribe From Mailing List Names or IDs',
		name: 'unsubscribeFromLists',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getMailingLists' },
		default: [],
		description:
			'Lists to remove the contact from. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
];

export const idempotencyKeyField: INodeProperties = {
	displayName: 'Idempotency Key',
	name: 'idempotencyKey',
	type: 'string',
	default: '',
	hint: 'Protects against duplicates: with the same key, a retried request or a re-run never sends the email twice within 24 h. Use a stable ID, e.g. the source event ID.',
	description:
		'Loops accepts each key once in 24 hours (max 100 characters). Left empty, the node still uses a fresh key per item, so its own retries cannot duplicate a send.',
};

export type PropertyType = 'string' | 'number' | 'boolean' | 'date';

/** Loops' contact property types as options, in the order given. */
export function propertyTypeOptions(types: PropertyType[]): INodePropertyOptions[] {
	return types.map((type) => ({ name: type[0].toUpperCase() + type.slice(1), value: type }));
}

interface TypedPairsOptions {
	displayName: string;
	name: string;
	placeholder: string;
	description: string;
	/** Offer property keys from Loops (GET /contacts/properties). */
	keyLoadOptions?: 'getCustomProperties' | 'getContactProperties';
	/** Offer "clear" (sends null: Loops empties the value). */
	allowClear?: boolean;
	types?: PropertyType[];
}

/** A list of typed key/value pairs: the value field shown matches the chosen type. */
export function typedPairsField(options: TypedPairsOptions): INodeProperties {
	const types = options.types ?? ['string', 'number', 'boolean', 'date'];
	const typeOptions = [
		...propertyTypeOptions(types),
		...(options.allowClear ? [{ name: 'Clear (Remove Value)', value: 'clear' }] : []),
	];
	const keyField: INodeProperties = options.keyLoadOptions
		? {
				displayName: 'Property Name or ID',
				name: 'key',
				type: 'options',
				typeOptions: { loadOptionsMethod: options.keyLoadOptions },
				default: '',
				description:
					'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
			}
		: { displayName: 'Name', name: 'key', type: 'string', default: '' };
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'fixedCollection',
		placeholder: options.placeholder,
		typeOptions: { multipleValues: true },
		default: {},
		description: options.description,
		options: [
			{
				displayName: 'Property',
				name: 'property',
				values: [
					keyField,
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: typeOptions,
						default: 'string',
					},
					{
						displayName: 'Value',
						name: 'stringValue',
						type: 'string',
						default: '',
						displayOptions: { show: { type: ['string'] } },
					},
					{
						displayName: 'Value',
						name: 'numberValue',
						type: 'number',
						default: 0,
						displayOptions: { show: { type: ['number'] } },
					},
					{
						displayName: 'Value',
						name: 'booleanValue',
						type: 'boolean',
						default: true,
						displayOptions: { show: { type: ['boolean'] } },
					},
					{
						displayName: 'Value',
						name: 'dateValue',
						type: 'dateTime',
						default: '',
						displayOptions: { show: { type: ['date'] } },
					},
				],
			},
		],
	};
}

/** Every operation: how long to ride out a rate-limited, failing or unreachable Loops. */
export const retryOptionsField: INodeProperties = {
	displayName: 'Retry Options',
	name: 'retryOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Keep Retrying For (Seconds)',
			name: 'retryForSeconds',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 600,
			description:
				'How long a request keeps retrying while Loops answers 429 or 5xx, times out or cannot be reached, before the item fails. 0 tries once.',
		},
	],
};
