/**
 * What the editor shows before anything runs, computed with n8n-workflow's own NodeHelpers as the
 * editor does: parameter issues flagged on the canvas. The credential form's Base URL notice is
 * tested in test/unit/base-url.test.ts.
 */
import type { INode, INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { ContratPrive } from '../../nodes/ContratPrive/ContratPrive.node';

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
