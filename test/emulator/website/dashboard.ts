/**
 * The owner's side of the website (no login in the emulator: pick a demo
 * owner on the home page): contracts with status, signatories and deadline; a
 * contract page with its documents, audit log and "Validate and send" for a
 * draft; the outbox (e-mails and SMS the service would have sent).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { validateDraft } from '../control';
import { ApiError } from '../errors';
import {
	Account,
	CONTRACT_STATUSES,
	ContractRec,
	ContractStatus,
	Platform,
	StoredDoc,
	isPlatform,
	refreshExpiry,
} from '../store';
import { ensureSignedPdf, signingLink } from '../workflow';
import { Html, badge, calendarDate, dateTime, euros, fileSize, html, layout, path } from './html';
import { PageNotFound, Site, getPage, postAction, sendHtml, sendPdf } from './site';

export const PAGE_SIZE = 50;
/** The outbox page shows this many of the newest e-mails and SMS. */
export const OUTBOX_SHOWN = 200;

export const ownerPaths = (platform: Platform, apiUser: string) => {
	const base = path(platform, 'dashboard', apiUser);
	const contract = (id: string) => `${base}/contracts/${encodeURIComponent(id)}`;
	return {
		contracts: base,
		outbox: `${base}/outbox`,
		contract,
		validate: (id: string) => `${contract(id)}/validate`,
		document: (id: string, which: string) => `${contract(id)}/documents/${which}`,
	};
};

type OwnerParams = { platform: string; apiUser: string; id?: string; doc?: string };

function findOwner(site: Site, req: FastifyRequest): Account {
	const { platform, apiUser } = req.params as OwnerParams;
	const a = isPlatform(platform) ? site.env.store.account(platform, apiUser) : undefined;
	if (!a) throw new PageNotFound('No such owner account in the emulator.');
	return a;
}

function findContract(site: Site, req: FastifyRequest): { a: Account; c: ContractRec } {
	const a = findOwner(site, req);
	const c = site.env.store.contracts.get((req.params as OwnerParams).id ?? '');
	if (!c || c.platform !== a.platform || c.owner !== a.apiUser) {
		throw new PageNotFound('No such contract for this owner.');
	}
	refreshExpiry(c, site.env.clock.nowMs());
	return { a, c };
}

const navFor = (
	a: Account,
	current: 'contracts' | 'outbox' | null,
): [string, string, boolean?][] => {
	const p = ownerPaths(a.platform, a.apiUser);
	return [
		['All owners', '/'],
		[`Contracts of ${a.name}`, p.contracts, current === 'contracts'],
		['Outbox', p.outbox, current === 'outbox'],
	];
};

export function registerDashboard(app: FastifyInstance, site: Site): void {
	const { env } = site;

	app.get('/', async (req, reply) => {
		const accept = String(req.headers.accept ?? '');
		if (!accept.includes('text/html')) {
			return reply.send({
				name: 'Contrat-Privé local emulator',
				dashboard: `${env.baseUrl()}/`,
				sandbox: `${env.baseUrl()}/sandbox/api`,
				production: `${env.baseUrl()}/production/api`,
				control: `${env.baseUrl()}/_control`,
			});
		}
		return sendHtml(reply, homePage(site, site.flashes.take(req, reply)));
	});

	getPage(app, site, '/:platform/dashboard/:apiUser', async (req, reply) => {
		const a = findOwner(site, req);
		const q = req.query as Record<string, unknown>;
		const status =
			typeof q.status === 'string' && (CONTRACT_STATUSES as readonly string[]).includes(q.status)
				? (q.status as ContractStatus)
				: null;
		const pageNo = typeof q.page === 'string' && /^[1-9]\d{0,6}$/.test(q.page) ? Number(q.page) : 1;
		return contractsPage(site, a, status, pageNo, site.flashes.take(req, reply));
	});

	getPage(app, site, '/:platform/dashboard/:apiUser/contracts/:id', async (req, reply) => {
		const { a, c } = findContract(site, req);
		const pdf = ensureSignedPdf(c);
		if (pdf) await pdf;
		return contractPage(site, a, c, site.flashes.take(req, reply));
	});

	getPage(
		app,
		site,
		'/:platform/dashboard/:apiUser/contracts/:id/documents/:doc',
		async (req, reply) => {
			const { c } = findContract(site, req);
			const pdf = ensureSignedPdf(c);
			if (pdf) await pdf;
			const which = (req.params as OwnerParams).doc ?? '';
			let doc: StoredDoc | null = null;
			if (which === 'original') doc = c.mainDocument;
			else if (which === 'signed') doc = c.sign;
			else {
				const m = /^annex-([1-9]\d?)$/.exec(which);
				if (m) doc = c.annexes[Number(m[1]) - 1] ?? null;
			}
			if (!doc) throw new PageNotFound('No such document.');
			return sendPdf(req, reply, doc);
		},
	);

	postAction(
		app,
		site,
		'/:platform/dashboard/:apiUser/contracts/:id/validate',
		(req) => {
			const { platform, apiUser, id } = req.params as OwnerParams;
			return isPlatform(platform) ? ownerPaths(platform, apiUser).contract(id ?? '') : '/';
		},
		async (req) => {
			const { a, c } = findContract(site, req);
			const to = ownerPaths(a.platform, a.apiUser).contract(c.id);
			const before = env.store.emails.length;
			try {
				validateDraft(env, c.id);
			} catch (e) {
				if (e instanceof ApiError && e.code === 'INVALID_STATE') {
					return { to, flash: { kind: 'error', text: `${e.message}.` } };
				}
				throw e;
			}
			const sent = env.store.emails.length - before;
			return {
				to,
				flash: {
					kind: 'success',
					text: `Validated and sent: the contract is pending; ${sent} e-mail${sent === 1 ? '' : 's'} in the outbox.`,
				},
			};
		},
	);

	getPage(app, site, '/:platform/dashboard/:apiUser/outbox', async (req, reply) => {
		const a = findOwner(site, req);
		return outboxPage(site, a, site.flashes.take(req, reply));
	});
}

// ---------------------------------------------------------------- pages

function homePage(site: Site, flash: ReturnType<Site['flashes']['take']>): string {
	const { env } = site;
	const base = env.baseUrl();
	const rows = env.store.accounts.map((a) => {
		const p = ownerPaths(a.platform, a.apiUser);
		const n = env.store.ownerContracts(a.platform, a.apiUser).length;
		return html`<tr>
			<td><a href="${p.contracts}">${a.name}</a></td>
			<td>${a.platform}</td>
			<td><code>${a.apiUser}</code></td>
			<td><code>${a.apiKey}</code></td>
			<td>${n}</td>
			<td><a href="${p.outbox}">Outbox</a></td>
		</tr>`;
	});
	return layout(
		{ title: 'Owners', flash, now: env.clock.nowMs() },
		html`<h1>Owner dashboard</h1>
			<p class="lead">
				Pick a demo owner (the emulator has no login). The demo keys are public: they only exist
				here.
			</p>
			<div class="table-wrap">
				<table>
					<caption class="muted">
						Demo owner accounts
					</caption>
					<thead>
						<tr>
							<th scope="col">Owner</th>
							<th scope="col">Platform</th>
							<th scope="col">apiUser</th>
							<th scope="col">apiKey</th>
							<th scope="col">Contracts</th>
							<th scope="col">Outbox</th>
						</tr>
					</thead>
					<tbody>
						${rows}
					</tbody>
				</table>
			</div>
			<section class="card" aria-labelledby="api-title">
				<h2 id="api-title">API</h2>
				<dl class="facts">
					<dt>Sandbox</dt>
					<dd><code>${base}/sandbox/api</code></dd>
					<dt>Production</dt>
					<dd><code>${base}/production/api</code></dd>
					<dt>Control API</dt>
					<dd>
						<code>${base}/_control</code> (outbox, clock, faults, network, quota, seed, reset)
					</dd>
				</dl>
				<p class="hint">In n8n, use the credential's custom base URL with one of these.</p>
			</section>`,
	);
}

function contractsPage(
	site: Site,
	a: Account,
	status: ContractStatus | null,
	pageNo: number,
	flash: ReturnType<Site['flashes']['take']>,
): string {
	const now = site.env.clock.nowMs();
	const all = site.env.store.ownerContracts(a.platform, a.apiUser);
	const counts = new Map<ContractStatus, number>();
	for (const c of all) {
		refreshExpiry(c, now);
		counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
	}
	const matching = all
		.filter((c) => status === null || c.status === status)
		.sort((x, y) => y.createdAt - x.createdAt || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
	const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
	const page = Math.min(pageNo, pages);
	const shown = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
	const p = ownerPaths(a.platform, a.apiUser);
	const link = (n: number) =>
		`${p.contracts}?${new URLSearchParams({ ...(status ? { status } : {}), page: String(n) })}`;
	const summary = CONTRACT_STATUSES.filter((s) => counts.has(s))
		.map((s) => `${counts.get(s)} ${s}`)
		.join(', ');
	const rows = shown.map(
		(c) =>
			html`<tr>
				<td>
					<a href="${p.contract(c.id)}">${c.label}</a>${c.reference
						? html`<br /><span class="muted">${c.reference}</span>`
						: ''}
				</td>
				<td>${badge(c.status)}</td>
				<td>
					${c.signatories.map((s) => html`${s.firstName} ${s.lastName} ${badge(s.status)}<br />`)}
				</td>
				<td>${calendarDate(c.deadline)}</td>
				<td>${dateTime(c.createdAt)}</td>
			</tr>`,
	);
	return layout(
		{
			title: `Contracts - ${a.name}`,
			platform: a.platform,
			nav: navFor(a, 'contracts'),
			flash,
			now,
		},
		html`<h1>Contracts</h1>
			<p class="lead">
				${a.name} (${a.platform}, <code>${a.apiUser}</code>): ${all.length}
				contract${all.length === 1 ? '' : 's'}${summary ? ` - ${summary}` : ''}.
			</p>
			<form method="get" action="${p.contracts}" class="row" aria-label="Filter contracts">
				<div>
					<label for="status">Status</label>
					<select id="status" name="status">
						<option value="">All statuses</option>
						${CONTRACT_STATUSES.map(
							(s) =>
								html`<option value="${s}" ${s === status ? html` selected` : ''}>${s}</option>`,
						)}
					</select>
				</div>
				<div><button type="submit" class="secondary">Filter</button></div>
			</form>
			${shown.length === 0
				? html`<p class="notice">
						No contracts${status ? html` with status ${status}` : ''} yet. Create one with the API
						(n8n's Contrat-Privé node) or the control API's seed.
					</p>`
				: html`<div class="table-wrap">
						<table>
							<caption class="muted">
								Newest first; ${matching.length} shown in pages of ${PAGE_SIZE} (page ${page} of
								${pages})
							</caption>
							<thead>
								<tr>
									<th scope="col">Contract</th>
									<th scope="col">Status</th>
									<th scope="col">Signatories</th>
									<th scope="col">Deadline</th>
									<th scope="col">Created</th>
								</tr>
							</thead>
							<tbody>
								${rows}
							</tbody>
						</table>
					</div>`}
			${pages > 1
				? html`<nav class="pager" aria-label="Pages">
						${page > 1 ? html`<a href="${link(page - 1)}" rel="prev">Newer</a>` : ''}${page < pages
							? html`<a href="${link(page + 1)}" rel="next">Older</a>`
							: ''}
					</nav>`
				: ''}`,
	);
}

function contractPage(
	site: Site,
	a: Account,
	c: ContractRec,
	flash: ReturnType<Site['flashes']['take']>,
): string {
	const { env } = site;
	const p = ownerPaths(a.platform, a.apiUser);
	const doc = (label: string, d: StoredDoc, which: string) =>
		html`<tr>
			<th scope="row">${label}</th>
			<td><a href="${p.document(c.id, which)}">${d.name}</a></td>
			<td>${fileSize(d.size)}</td>
			<td><code title="SHA-256">${d.sha256.slice(0, 16)}…</code></td>
			<td><a href="${p.document(c.id, which)}?download=1" download>Download</a></td>
		</tr>`;
	const draft =
		c.status === 'draft'
			? html`<section class="card" aria-labelledby="draft-title">
					<h2 id="draft-title">Draft</h2>
					<p>
						Nothing has been sent yet. Validating sends the contract to the
						signatories${c.notify.signatory
							? ' (an e-mail each, with their signing link)'
							: ' (no e-mail: signatory notification is off)'}.
					</p>
					<form method="post" action="${p.validate(c.id)}">
						<button type="submit">Validate and send</button>
					</form>
				</section>`
			: '';
	const body = html`<h1>${c.label} ${badge(c.status)}</h1>
		<p class="lead"><code>${c.id}</code>${c.reference ? html` - reference ${c.reference}` : ''}</p>
		${draft}
		<section class="card" aria-labelledby="facts-title">
			<h2 id="facts-title">Details</h2>
			<dl class="facts">
				<dt>Deadline</dt>
				<dd>${calendarDate(c.deadline)} (end of the day, Paris time)</dd>
				<dt>Created</dt>
				<dd>${dateTime(c.createdAt)}</dd>
				<dt>Sent</dt>
				<dd>${dateTime(c.submittedAt)}</dd>
				${c.completedAt !== null
					? html`<dt>Signed by all</dt>
							<dd>${dateTime(c.completedAt)}</dd>`
					: ''}
				${c.cancelledAt !== null
					? html`<dt>Cancelled</dt>
							<dd>${dateTime(c.cancelledAt)}</dd>`
					: ''}
				<dt>Language</dt>
				<dd>${c.lang}</dd>
				<dt>Notify</dt>
				<dd>
					signatories: ${c.notify.signatory ? 'yes' : 'no'}; owner: ${c.notify.owner ? 'yes' : 'no'}
				</dd>
				${c.bankAccount
					? html`<dt>Deposits paid to</dt>
							<dd>${c.bankAccount.holder} - <code>${c.bankAccount.iban}</code></dd>`
					: ''}
			</dl>
		</section>
		<section class="card" aria-labelledby="sig-title">
			<h2 id="sig-title">Signatories</h2>
			<div class="table-wrap">
				<table>
					<thead>
						<tr>
							<th scope="col">Name</th>
							<th scope="col">Contact</th>
							<th scope="col">Deposit</th>
							<th scope="col">Status</th>
							<th scope="col">Signed</th>
							<th scope="col">SMS / wrong codes</th>
							<th scope="col">Signing page</th>
						</tr>
					</thead>
					<tbody>
						${c.signatories.map(
							(s) =>
								html`<tr>
									<td>${s.firstName} ${s.lastName}</td>
									<td>${s.email}<br />${s.phone}</td>
									<td>
										${s.deposit > 0
											? html`${euros(s.deposit)}<br />${s.depositPaid ? 'paid' : 'not paid'}`
											: 'none'}
									</td>
									<td>${badge(s.status)}</td>
									<td>${dateTime(s.signedAt)}</td>
									<td>${s.smsSent} / ${s.failedAttempts}</td>
									<td>
										${c.status === 'draft'
											? html`<span class="muted">after validation</span>`
											: html`<a href="${signingLink(env, c, s)}">Open as ${s.firstName}</a>`}
									</td>
								</tr>`,
						)}
					</tbody>
				</table>
			</div>
		</section>
		<section class="card" aria-labelledby="docs-title">
			<h2 id="docs-title">Documents</h2>
			<div class="table-wrap">
				<table>
					<thead>
						<tr>
							<th scope="col">Document</th>
							<th scope="col">File (view)</th>
							<th scope="col">Size</th>
							<th scope="col">SHA-256</th>
							<th scope="col">Download</th>
						</tr>
					</thead>
					<tbody>
						${doc('Original', c.mainDocument, 'original')}
						${c.annexes.map((x, i) => doc(`Annex ${i + 1}`, x, `annex-${i + 1}`))}
						${c.sign ? doc('Signed', c.sign, 'signed') : ''}
					</tbody>
				</table>
			</div>
			${c.sign
				? ''
				: html`<p class="hint">The signed document exists once every signatory has signed.</p>`}
		</section>
		<section class="card" aria-labelledby="log-title">
			<h2 id="log-title">Audit log</h2>
			<div class="table-wrap">
				<table>
					<thead>
						<tr>
							<th scope="col">When</th>
							<th scope="col">Event</th>
							<th scope="col">By</th>
							<th scope="col">Detail</th>
						</tr>
					</thead>
					<tbody>
						${c.log.map(
							(l) =>
								html`<tr>
									<td>${dateTime(l.at)}</td>
									<td>${l.event}</td>
									<td>${l.actor}</td>
									<td>${l.detail}</td>
								</tr>`,
						)}
					</tbody>
				</table>
			</div>
		</section>`;
	return layout(
		{
			title: `${c.label} - ${a.name}`,
			platform: a.platform,
			nav: navFor(a, null),
			flash,
			now: env.clock.nowMs(),
		},
		body,
	);
}

/** An e-mail body as text, its links to this emulator made clickable. */
function mailBody(site: Site, body: string): Html {
	const base = `${site.env.baseUrl()}/`;
	const parts = body.split(/(https?:\/\/[^\s<>"']+)/g);
	return html`${parts.map((part, i) =>
		i % 2 === 1 && part.startsWith(base) ? html`<a href="${part}">${part}</a>` : part,
	)}`;
}

function outboxPage(site: Site, a: Account, flash: ReturnType<Site['flashes']['take']>): string {
	const { env } = site;
	const mine = (platform: Platform, contractId: string) => {
		const c = env.store.contracts.get(contractId);
		return platform === a.platform && c !== undefined && c.owner === a.apiUser;
	};
	const emails = env.store.emails.filter((e) => mine(e.platform, e.contractId));
	const sms = env.store.sms.filter((s) => mine(s.platform, s.contractId));
	const p = ownerPaths(a.platform, a.apiUser);
	const shownEmails = emails.slice(-OUTBOX_SHOWN).reverse();
	const shownSms = sms.slice(-OUTBOX_SHOWN).reverse();
	const label = (contractId: string) => env.store.contracts.get(contractId)?.label ?? contractId;
	const more = (n: number) =>
		n > OUTBOX_SHOWN ? html`<p class="hint">Showing the newest ${OUTBOX_SHOWN} of ${n}.</p>` : '';
	const body = html`<h1>Outbox</h1>
		<p class="lead">
			What the service would have sent for the contracts of ${a.name}. Nothing leaves this machine.
			Newest first.
		</p>
		<section aria-labelledby="mail-title">
			<h2 id="mail-title">E-mails (${emails.length})</h2>
			${more(emails.length)}
			${shownEmails.length === 0
				? html`<p class="notice">No e-mail yet.</p>`
				: shownEmails.map(
						(e) =>
							html`<article class="mail" aria-label="E-mail to ${e.to}: ${e.subject}">
								<dl class="facts">
									<dt>To</dt>
									<dd>${e.to}</dd>
									<dt>Subject</dt>
									<dd><strong>${e.subject}</strong></dd>
									<dt>Date</dt>
									<dd>${dateTime(Date.parse(e.at))}</dd>
									<dt>Contract</dt>
									<dd><a href="${p.contract(e.contractId)}">${label(e.contractId)}</a></dd>
								</dl>
								<pre>${mailBody(site, e.body)}</pre>
							</article>`,
					)}
		</section>
		<section aria-labelledby="sms" class="card">
			<h2 id="sms">SMS (${sms.length})</h2>
			${more(sms.length)}
			${a.platform === 'sandbox'
				? html`<p class="notice">
						Sandbox: no SMS is ever sent (the code is always 0000), so none appear here.
					</p>`
				: shownSms.length === 0
					? html`<p class="notice">No SMS yet.</p>`
					: html`<div class="table-wrap">
							<table>
								<thead>
									<tr>
										<th scope="col">Date</th>
										<th scope="col">To</th>
										<th scope="col">Contract</th>
										<th scope="col">Code</th>
										<th scope="col">Message</th>
									</tr>
								</thead>
								<tbody>
									${shownSms.map(
										(s) =>
											html`<tr>
												<td>${dateTime(Date.parse(s.at))}</td>
												<td>${s.phone}</td>
												<td><a href="${p.contract(s.contractId)}">${label(s.contractId)}</a></td>
												<td><strong>${s.code}</strong></td>
												<td>${s.body}</td>
											</tr>`,
									)}
								</tbody>
							</table>
						</div>`}
		</section>`;
	return layout(
		{
			title: `Outbox - ${a.name}`,
			platform: a.platform,
			nav: navFor(a, 'outbox'),
			flash,
			now: env.clock.nowMs(),
		},
		body,
	);
}
