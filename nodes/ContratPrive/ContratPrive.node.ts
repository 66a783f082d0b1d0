import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';

import { ContratPriveV1 } from './v1/ContratPriveV1';

export class ContratPrive extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'Contrat-Privé',
			name: 'contratPrive',
			icon: { light: 'file:contratPrive.svg', dark: 'file:contratPrive.dark.svg' },
			group: ['output'],
			subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
			description:
				'Send contracts for e-signature with Contrat-Privé, sign by SMS code and download signed PDFs',
			defaultVersion: 1,
		};

		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new ContratPriveV1(baseDescription),
		};

		super(nodeVersions, baseDescription);
	}
}
