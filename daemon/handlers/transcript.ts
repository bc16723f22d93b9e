import { TranscriptFollowRequest, TranscriptUnfollowRequest } from '../../shared/protocol/transcript.js';
import { request, sessionRequest } from '../rpc/handler.js';

export const transcriptFollow = sessionRequest(TranscriptFollowRequest, (p, session, { conn, services }) => ({
  followId: services.transcripts.follow(conn, session.id, p.from),
}));

export const transcriptUnfollow = request(TranscriptUnfollowRequest, (p, { conn, services }) => {
  services.transcripts.unfollow(conn, p.followId);
  return {};
});
