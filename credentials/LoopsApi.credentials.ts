import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class LoopsApi implements ICredentialType {
	name = 'loopsApi';

	displayName = 'Loops API';

	documentationUrl = 'https://loops.so/docs/api-reference/intro';

	icon = { light: 'file:loops.svg', dark: 'file:loops.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Create an API key in Loops under Settings → API.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.loops.so/api/v1',
			description: 'Change only to point at a Loops-compatible test server',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api-key',
			method: 'GET',
		},
		// Without a rule n8n reports a 401 as just "Unauthorized".
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Loops rejected this API key. Copy a valid key from Loops → Settings → API.',
				},
			},
		],
	};
}
