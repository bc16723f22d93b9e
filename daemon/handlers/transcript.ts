import { z } from 'zod';
import { SessionTranscriptRequest, type SessionTranscriptParams } from '../../shared/protocol/session-io.js';
import { TranscriptFollowRequest, TranscriptUnfollowRequest } from '../../shared/protocol/transcript.js';
import { request, sessionRequest } from '../rpc/handler.js';
import { utf8Cut } from '../transcripts/utf8.js';
import { sessionRef } from './schemas.js';

/** What one read returns when `maxBytes` is not given. */
const DEFAULT_READ_BYTES = 1024 * 1024;
/** The most one read returns. */
const MAX_READ_BYTES = 16 * 1024 * 1024;

const readParams: z.ZodType<SessionTranscriptParams> = z.strictObject({
  session: sessionRef,
  from: z.number().int().min(0).optional(),
  maxBytes: z.number().int().min(1).max(MAX_READ_BYTES).optional(),
  encoding: z.enum(['utf8', 'base64']).optional(),
});

export const sessionTranscript = sessionRequest(SessionTranscriptRequest, readParams, (p, session, { services }) => {
  const read = services.transcripts.read(session.id, p.from, p.maxBytes ?? DEFAULT_READ_BYTES);
  if (p.encoding === 'base64') return { data: read.bytes.toString('base64'), from: read.from, to: read.to, end: read.end, marks: read.marks };
  // Text ends on a whole character; the rest comes with the next read.
  const cut = read.to < read.end ? utf8Cut(read.bytes) : read.bytes.length;
  return { data: read.bytes.subarray(0, cut).toString('utf8'), from: read.from, to: read.from + cut, end: read.end, marks: read.marks };
});

export const transcriptFollow = sessionRequest(
  TranscriptFollowRequest,
  z.strictObject({ session: sessionRef, from: z.number().int().min(0).optional() }),
  (p, session, { conn, services }) => ({ followId: services.transcripts.follow(conn, session.id, p.from) }),
);

export const transcriptUnfollow = request(TranscriptUnfollowRequest, z.strictObject({ followId: z.string() }), (p, { conn, services }) => {
  services.transcripts.unfollow(conn, p.followId);
  return {};
});
