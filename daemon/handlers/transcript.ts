import { TranscriptFollowRequest, TranscriptUnfollowRequest } from '../../shared/protocol/transcript.js';
import { request, sessionRequest, type Handler, type SessionLookup } from '../rpc/handler.js';
import type { TranscriptService } from '../transcripts/service.js';

export function transcriptFollow({ sessions, transcripts }: { sessions: SessionLookup; transcripts: Pick<TranscriptService, 'follow'> }): Handler {
  return sessionRequest(TranscriptFollowRequest, sessions, (p, session, { conn }) => ({
    followId: transcripts.follow(conn, session.id, p.from),
  }));
}

export function transcriptUnfollow({ transcripts }: { transcripts: Pick<TranscriptService, 'unfollow'> }): Handler {
  return request(TranscriptUnfollowRequest, (p, { conn }) => {
    transcripts.unfollow(conn, p.followId);
    return {};
  });
}
