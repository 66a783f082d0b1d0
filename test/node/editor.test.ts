/**
 * What the editor shows before anything runs, computed with n8n-workflow's own NodeHelpers as the
 * editor does: parameter issues flagged on the canvas, and the credential form's notices.
 */
import type { INode, INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { ContratPriveApi } from '../../credentials/ContratPriveApi.credentials';
import { ContratPrive } from '../../nodes/ContratPrive/ContratPrive.node';
import { resolveBaseUrl } from '../../nodes/ContratPrive/transport';

const description = new ContratPrive().nodeVersions[1].description;

/** The issues the canvas shows for these parameters (defaults filled in, as the editor does). */
function canvasIssues(parameters: INodeParameters): Record<string, string[]> {
	const filled = NodeHelpers.getNodeParameters(
		description.properties,
		parameters,
		true,
		false,
		null,
		description,
	) as INodeParameters;
	const node: INode = {
		id: 'n',
		name: 'Contrat-Privé',
		type: 'n8n-nodes-contrat-prive.contratPrive',
		typeVersion: 1,
		position: [0, 0],
		parameters: filled,
	};
	return (
		(NodeHelpers.getNodeParametersIssues(description.properties, node, description)?.parameters as
			| Record<string, string[]>
			| undefined) ?? {}
	);
}

const signatory = {
	firstName: 'Camille',
	lastName: 'Martin',
	email: 'camille@example.com',
	phone: '0612345678',
	deposit: 0,
};
const create = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'contract',
	operation: 'create',
	label: 'Lease',
	deadline: '2026-12-31',
	...extra,
});

describe('Create on the canvas', () => {
	test('complete parameters: no issue', () => {
		expect(canvasIssues(create({ signatories: { signatory: [signatory] } }))).toEqual({});
	});

	test('an empty "Define Below" signatory list is flagged, like Label and Deadline', () => {
		const issues = canvasIssues(create({ label: '', deadline: '' }));
		expect(Object.keys(issues).sort()).toEqual(['deadline', 'label', 'signatories']);
		expect(issues.signatories).toEqual(['At least 1 field is required.']);
	});

	test('more than 20 signatories is flagged', () => {
		const issues = canvasIssues(create({ signatories: { signatory: Array(21).fill(signatory) } }));
		expect(issues.signatories).toEqual(['At most 20 fields are allowed.']);
	});

	test('an empty field of a signatory is flagged', () => {
		const issues = canvasIssues(
			create({ signatories: { signatory: [{ ...signatory, email: '' }] } }),
		);
		expect(issues).toEqual({ email: ['Parameter "Email" is required.'] });
	});

	test('signatories given as JSON: the Define Below list is not asked for', () => {
		expect(canvasIssues(create({ signatoriesInput: 'json' }))).toEqual({});
	});

	test('the language options are sorted, French stays the default', () => {
		const language = description.properties.find((p) => p.name === 'language')!;
		const names = (language.options as Array<{ name: string }>).map((o) => o.name);
		expect(names).toEqual([...names].sort());
		expect(language.default).toBe('fr');
	});
});

describe('credential form: the refused Base URL notice', () => {
	const credential = new ContratPriveApi();
	const notice = credential.properties.find((p) => p.name === 'baseUrlRefusedNotice')!;
	const shown = (values: INodeParameters) =>
		NodeHelpers.displayParameter(values, notice, null, null);

	test.each([
		'https://api.example.com/api',
		'HTTPS://API.EXAMPLE.COM',
		'http://127.0.0.1:8787/sandbox/api',
		'http://localhost:8787',
		'http://LocalHost/api',
		'http://[::1]:8787/api',
		'http://example.com/api',
		'http://10.0.0.5/api',
		'http://localhost.example.com/api',
		'ftp://127.0.0.1/api',
		'127.0.0.1:8787',
		' https://api.example.com ',
	])('%s: shown exactly when the node refuses it', (baseUrl) => {
		const refused = 'problem' in resolveBaseUrl({ platform: 'custom', baseUrl });
		expect(shown({ platform: 'custom', baseUrl })).toBe(refused);
	});

	test('not shown while the field is empty or an expression, nor on the other platforms', () => {
		expect(shown({ platform: 'custom', baseUrl: '' })).toBe(false);
		expect(shown({ platform: 'custom', baseUrl: '={{ $vars.url }}' })).toBe(false);
		expect(shown({ platform: 'production', baseUrl: 'http://example.com' })).toBe(false);
	});
});
