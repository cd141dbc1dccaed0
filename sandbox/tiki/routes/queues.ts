/** Event queue endpoints under `/integration/v1/queues`. */
import express, { Router } from 'express';
import { isRecord } from '../services/catalog';
import type { TikiSandboxState } from '../state';
import { identityOf } from './middleware';

export function queuesRouter(state: TikiSandboxState): Router {
  const r = express.Router();
  const { events } = state;
  const body = (raw: unknown) => (isRecord(raw) ? raw : {});

  r.get('/integration/v1/queues', (_req, res) => {
    res.json(events.listQueues(identityOf(res).owner));
  });
  r.post('/integration/v1/queues', (req, res) => {
    res.status(201).json(events.createQueue(identityOf(res).owner, body(req.body).name));
  });
  r.get('/integration/v1/queues/:code/subscriptions', (req, res) => {
    res.json(events.listSubscriptions(identityOf(res).owner, req.params.code));
  });
  r.post('/integration/v1/queues/:code/subscriptions', (req, res) => {
    const id = identityOf(res);
    res.status(201).json(events.subscribe(id.owner, req.params.code, id.seller, body(req.body).event_type));
  });
  r.post('/integration/v1/queues/:code/events/pull', (req, res) => {
    res.json(events.pull(identityOf(res).owner, req.params.code, body(req.body).ack_id ?? null));
  });
  return r;
}
