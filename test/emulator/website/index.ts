/**
 * The emulator's website: the owner's dashboard (`/`), contract pages, the
 * outbox, and the signatory's signing page (the link in the notification
 * e-mail). Plain server-rendered HTML, one same-origin stylesheet, forms that
 * POST and redirect; no JavaScript and no external assets.
 *
 *   GET  /                                                owners (JSON unless the client accepts HTML)
 *   GET  /{platform}/dashboard/{apiUser}                  contracts (?status=&page=)
 *   GET  /{platform}/dashboard/{apiUser}/contracts/{id}   contract: details, documents, audit log
 *   POST /{platform}/dashboard/{apiUser}/contracts/{id}/validate          "Validate and send" (draft)
 *   GET  /{platform}/dashboard/{apiUser}/contracts/{id}/documents/{doc}   original | signed | annex-N (PDF)
 *   GET  /{platform}/dashboard/{apiUser}/outbox           e-mails and SMS
 *   GET  /{platform}/sign/{contractId}/{signatoryId}      signing page
 *   POST .../pay | .../code | .../sign                    deposit by card, SMS code, sign
 *   GET  .../document | .../document/signed | .../annexes/{n}   PDFs (?download=1)
 */
import type { FastifyInstance } from 'fastify';
import type { Env } from '../workflow';
import { registerDashboard } from './dashboard';
import { STYLESHEET_PATH } from './html';
import { FlashStore, Site } from './site';
import { registerSigning } from './signing';
import { STYLESHEET } from './style';

export function registerWebsite(app: FastifyInstance, env: Env, record: (e: Error) => void): void {
	const site: Site = { env, record, flashes: new FlashStore() };
	app.get(STYLESHEET_PATH, async (_req, reply) =>
		reply
			.header('content-type', 'text/css; charset=utf-8')
			.header('cache-control', 'public, max-age=300')
			.header('x-content-type-options', 'nosniff')
			.send(STYLESHEET),
	);
	registerDashboard(app, site);
	registerSigning(app, site);
}
