import { systemClock } from './clock';
import { compareIds } from './compare-ids';
import { type ResolvedElectionConfig, resolveConfig } from './config';
import { type ElectionListener, EventTimeline } from './event-timeline';
import * as handover from './handover';
import { KnownLeadership } from './known-leadership';
import {
  type AbdicationMessage,
  type ElectionWireMessage,
  isElectionWireMessage,
  messageLimits,
} from './messages';
import { stallGrace } from './stall-grace';
import { Timers } from './timers';
import type {
  Clock,
  CreateElectionOptions,
  Election,
  ElectionAdapter,
  ElectionState,
  ElectionStats,
  PeerId,
} from './types';
import { ViewMembership } from './view-membership';

type TimerName =
  | 'sample'
  | 'backoff'
  | 'election'
  | 'retry'
  | 'handover'
  | 'liveness'
  | 'heartbeat'
  | 'yield'
  | 'linked';
type Phase = ElectionState['phase'];

/** Fabric clears the yield flag after 6 × leaderAliveThreshold. */
const yieldThresholds = 6;
/** A rank beyond this waits the whole proposalBackoff. */
const backoffRanks = 4;

/**
 * Creates and starts (at once, like Fabric's constructor) one peer's election.
 * @throws {ElectionConfigError} for a bad config; {@link TypeError} for a bad id.
 */
export function createElection(options: CreateElectionOptions): Election {
  return new GossipElection(options);
}

/**
 * Fabric's gossip leader election as an event-driven state machine. Every wait of Fabric's goroutines is a
 * named timer on the injected clock; every message goes through the adapter. See the README section
 * "The election" for the algorithm and what this port adds (terms, tighter liveness, abdication, newcomers).
 */
class GossipElection implements Election {
  readonly id: PeerId;
  private readonly adapter: ElectionAdapter;
  private readonly clock: Clock;
  private readonly config: ResolvedElectionConfig;
  private readonly timers: Timers<TimerName>;

  private phase: Phase = 'starting';
  private leading = false;
  /** The leader followed (self when leading), undefined while unknown. Fabric's leaderExists is `!== undefined`. */
  private leader: PeerId | undefined;
  private currentTerm = 0;
  /** The highest leadership heard of (term and holder): what we may follow, what our proposals carry. */
  private readonly known = new KnownLeadership();
  private yielding = false;
  /** Proposals (sender → the highest term it knew) since a leader was last known (Fabric's `proposals` set). */
  private readonly proposals = new Map<PeerId, number>();
  private lastDeclarationAt = 0;
  /** The `lastDeclarationAt` whose silence already had its stall grace (see stall-grace.ts): once per silence. */
  private stallGraceFor = Number.NaN;
  private lastDeclaredAt = Number.NEGATIVE_INFINITY;
  /**
   * Leaders we suspected because they went silent, until they speak again: not counted as lower proposers or
   * lower ranks, and never named successor (a crash the mesh has not noticed leaves a dead peer in the view).
   */
  private readonly silent = new Set<PeerId>();
  /** The leader that last abdicated to us (it takes no part for a while): not a lower proposer or rank. */
  private abdicated: PeerId | undefined;
  /** A successor followed on its predecessor's word, until its own declaration arrives. */
  private unconfirmedSuccessor: PeerId | undefined;
  private startupDeadline = 0;
  private sampledViewSize = 0;
  /** The view when last looked at by a leader: peers not in it are newcomers to answer. */
  private answeredView = new Set<PeerId>();

  private readonly view: ViewMembership;

  private readonly timeline: EventTimeline;
  private readonly unsubscribers: Array<() => void> = [];
  private readonly counters = {
    proposalsSent: 0,
    declarationsSent: 0,
    abdicationsSent: 0,
    staleDropped: 0,
    outsideViewDropped: 0,
    invalidDropped: 0,
    hintsSent: 0,
    termJumpsDropped: 0,
    stallGraces: 0,
  };

  constructor(options: CreateElectionOptions) {
    if (typeof options.id !== 'string' || options.id.length === 0) {
      throw new TypeError('election id must be a non-empty string');
    }
    if (options.id.length > messageLimits.peerIdMaxLength) {
      throw new TypeError(`election id must be at most ${messageLimits.peerIdMaxLength} characters`);
    }
    this.id = options.id;
    this.config = resolveConfig(options.config);
    this.adapter = options.adapter;
    this.clock = options.clock ?? systemClock;
    this.timers = new Timers(this.clock);
    this.timeline = new EventTimeline(this.clock, options.onLeadershipChange, () => this.state());
    this.view = new ViewMembership(this.adapter);

    this.unsubscribers.push(this.adapter.onMessage((message) => this.receive(message)));
    if (this.adapter.onViewChange)
      this.unsubscribers.push(this.adapter.onViewChange(() => this.viewChanged()));
    this.startup();
  }

  get term(): number {
    return this.currentTerm;
  }

  isLeader(): boolean {
    return this.leading;
  }

  leaderId(): PeerId | undefined {
    return this.leader;
  }

  state(): ElectionState {
    return {
      id: this.id,
      role: this.leading ? 'leader' : 'follower',
      leaderId: this.leader,
      term: this.currentTerm,
      highestTermSeen: this.known.term,
      phase: this.phase,
      yielding: this.yielding,
    };
  }

  stats(): ElectionStats {
    return { ...this.counters };
  }

  subscribe(listener: ElectionListener): () => void {
    return this.timeline.subscribe(listener);
  }

  /** Fabric's Yield: only a leader that is not already yielding steps aside. */
  yield(): void {
    if (!this.leading || this.yielding || this.phase === 'stopped') return;
    this.yielding = true;
    const abdication = this.abdicate();
    this.leading = false;
    this.leader = undefined;
    this.timers.clear('heartbeat');
    this.timers.set('yield', this.config.leaderAliveThreshold * yieldThresholds, () => this.yieldOver());
    this.timeline.emit('leadership-lost', 'yield');
    this.timeline.notifyLeadership(false);
    this.timeline.emit('yielded');
    this.adapter.reportMetrics?.(false);
    // One hop for the yielder too: it follows the successor it named, under the term it named, as its followers
    // do, instead of waiting for the successor's declaration (which confirms it and ends the yield). Unless a
    // listener stopped the election meanwhile.
    const { successor, successorTerm } = abdication;
    if (successor !== undefined && successorTerm !== undefined && !this.stopped()) {
      handover.observeAbdication(this.known, abdication);
      this.adoptSuccessor(successor, successorTerm);
    }
  }

  private stopped(): boolean {
    return this.phase === 'stopped';
  }

  stop(): void {
    if (this.phase === 'stopped') return;
    const wasLeading = this.leading;
    if (wasLeading) this.abdicate();
    this.phase = 'stopped';
    this.leading = false;
    if (wasLeading) this.leader = undefined;
    this.timers.clearAll();
    this.proposals.clear();
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    if (wasLeading) {
      this.timeline.emit('leadership-lost', 'stop');
      this.timeline.notifyLeadership(false);
      this.adapter.reportMetrics?.(false);
    }
    this.timeline.emit('stopped');
    this.timeline.close();
  }

  // ---- start-up: Fabric's waitForMembershipStabilization -------------------------------------------------

  private startup(): void {
    this.startupDeadline = this.clock.now() + this.config.startupGracePeriod;
    this.sampledViewSize = this.adapter.peers().length;
    this.timers.set('sample', this.config.membershipSampleInterval, () => this.sampleView());
    // A transport that knows the room is asked first thing, once the caller has told it who is in the room.
    if (this.adapter.roomLinked) this.timers.set('linked', 0, () => this.roomMaybeEmpty());
  }

  /**
   * A peer alone in a room it knows to be empty has nothing to wait for: start-up ends at once. With peers in
   * the view it still waits for the view to settle: a sitting leader's answer may be on its way (under load,
   * longer than an election round), and a newcomer must not lead beside it.
   */
  private roomMaybeEmpty(): void {
    if (
      this.phase === 'starting' &&
      this.adapter.peers().length === 0 &&
      this.adapter.roomLinked?.() === true
    )
      this.startElection('startup');
  }

  private sampleView(): void {
    if (this.phase !== 'starting') return;
    const size = this.adapter.peers().length;
    const settled = size === this.sampledViewSize && this.adapter.settling?.() !== true;
    if (settled || this.clock.now() >= this.startupDeadline) {
      this.startElection('startup');
      return;
    }
    this.sampledViewSize = size;
    this.timers.set('sample', this.config.membershipSampleInterval, () => this.sampleView());
  }

  // ---- messages: Fabric's handleMessage, plus terms and abdications --------------------------------------

  private receive(raw: unknown): void {
    if (this.phase === 'stopped') return;
    if (!isElectionWireMessage(raw)) {
      this.counters.invalidDropped++;
      return;
    }
    const message: ElectionWireMessage = raw;
    if (message.sender === this.id) return;
    if (!this.view.has(message.sender)) {
      this.counters.outsideViewDropped++;
      return;
    }
    if (handover.highestTermCarried(message) > this.known.term + messageLimits.maxTermStep) {
      this.counters.termJumpsDropped++;
      return;
    }
    if (this.silent.size > 0) this.silent.delete(message.sender);
    if (this.abdicated === message.sender) this.abdicated = undefined;
    switch (message.type) {
      case 'proposal':
        this.onProposal(message.sender, message.term, message.holder);
        break;
      case 'declaration':
        this.onDeclaration(message.sender, message.term);
        break;
      case 'abdication':
        this.onAbdication(message);
        break;
      case 'leader-hint':
        this.onLeaderHint(message.term, message.leader);
        break;
    }
  }

  private onProposal(sender: PeerId, term: number, holder: PeerId | undefined): void {
    this.proposals.set(sender, term);
    this.known.observe(term, holder);
    if (!this.leading) {
      this.hintLeader(sender, term, holder);
      return;
    }
    // The proposer knows no leader: answer now rather than at the next heartbeat. If it knows a leadership
    // at our term or above that is not ours, our term is not unique: rise above it, for everyone.
    if (
      term > this.currentTerm ||
      (term === this.currentTerm && holder !== undefined && holder !== this.id)
    ) {
      this.raiseTerm('higher-term');
    } else {
      this.answer(sender);
    }
  }

  private onDeclaration(sender: PeerId, term: number): void {
    if (sender === this.unconfirmedSuccessor) this.unconfirmedSuccessor = undefined;
    const acceptable = this.known.allows(sender, term);
    this.known.observe(term, sender);
    if (term < this.currentTerm) this.counters.staleDropped++;
    if (this.leading) {
      if (compareIds(sender, this.id) < 0) {
        if (acceptable) this.stepDown(sender, term);
        // Fabric's rule (the lower id wins), once its term is above everything we know: tell it ours, so it
        // rises; or, if it could not learn anything from our term, rise first ourselves.
        else if (this.currentTerm >= term) this.answer(sender);
        else this.raiseTerm('higher-term');
      } else if (term >= this.currentTerm) {
        // We win on id: outrank its term so that its followers come over and it steps down.
        this.raiseTerm('higher-term');
      } else {
        // An older leadership (a replay, a delayed message, a stale leader) never unseats us; answer so that a
        // live stale leader learns our term.
        this.answer(sender);
      }
      return;
    }
    if (this.leader === sender && term >= this.currentTerm) {
      this.follow(sender, term, 'declaration');
    } else if (acceptable) {
      this.follow(sender, term, this.leader === undefined ? 'declaration' : 'newer-leadership');
    } else if (this.leader === undefined && term >= this.currentTerm) {
      // Its term is already taken by a leadership we know of: ask it to rise above it, then follow.
      this.hint(sender);
    }
  }

  /** See handover.ts: adopt the named successor and its term at once when that is safe. */
  private onAbdication(message: Extract<ElectionWireMessage, { type: 'abdication' }>): void {
    const { sender, term } = message;
    if (sender === this.unconfirmedSuccessor && sender === this.leader && term === this.currentTerm) {
      // The successor we follow on its predecessor's word abdicates in turn: it did lead, which confirms it
      // (and ends our yield) as its declaration would have.
      this.unconfirmedSuccessor = undefined;
      if (this.yielding) this.stopYielding();
    }
    const ours =
      this.leader === sender
        ? term === this.currentTerm
        : this.leader === undefined && this.known.is(sender, term);
    const verdict = handover.judgeAbdication(message, {
      self: this.id,
      yielding: this.yielding,
      currentTerm: this.currentTerm,
      known: this.known,
      usable: (peer) => this.view.has(peer) && !this.silent.has(peer),
    });
    handover.observeAbdication(this.known, message);
    if (!ours || this.leading) {
      if (term < this.currentTerm) this.counters.staleDropped++;
      return;
    }
    const hadLeader = this.leader !== undefined;
    this.leader = undefined;
    this.abdicated = sender;
    this.proposals.clear();
    this.timers.clear('liveness');
    if (verdict.action === 'adopt') {
      this.adoptSuccessor(verdict.successor, verdict.term);
      return;
    }
    if (hadLeader) this.timeline.emit('leader-changed', 'handover');
    if (verdict.action === 'lead') this.becomeLeader('handover', verdict.term);
    else if (verdict.action === 'await') this.awaitSuccessor('handover-timeout');
    else this.startElection('handover');
  }

  /** Follow the successor under the term its predecessor named; suspect it if it has not declared within D. */
  private adoptSuccessor(successor: PeerId, term: number): void {
    this.follow(successor, term, 'handover');
    this.unconfirmedSuccessor = successor;
    this.timers.set('handover', this.config.leaderElectionDuration, () => {
      if (this.leader === successor && this.unconfirmedSuccessor === successor)
        this.suspectLeader('successor-silent');
    });
  }

  /** Wait briefly for a successor's declaration; fall back to a normal election if it never comes. */
  private awaitSuccessor(reason: string): void {
    this.clearElectionTimers();
    this.timers.clear('sample');
    this.phase = 'electing';
    this.timers.set('handover', this.config.leaderElectionDuration, () => this.startElection(reason));
  }

  /**
   * A follower that hears a proposal from a peer that does not know its leadership at all (lower term, or
   * the same term under another holder) tells it who leads. Typical case: a newcomer whose link to the leader
   * opened last, so its own view held no leader when its start-up ended. A peer that suspects our leader
   * proposes naming it (same term and holder) and gets no hint, so crash failover is not slowed down.
   */
  private hintLeader(proposer: PeerId, term: number, holder: PeerId | undefined): void {
    const leader = this.leader;
    if (leader === undefined || proposer === leader || this.phase !== 'steady' || !this.adapter.send) return;
    if (term > this.currentTerm || (term === this.currentTerm && holder === leader)) return;
    const hint: ElectionWireMessage = {
      type: 'leader-hint',
      sender: this.id,
      term: this.currentTerm,
      leader,
    };
    this.adapter.send(proposer, hint);
    this.counters.hintsSent++;
  }

  /**
   * A peer in our view says `leader` leads under `term`. If that is news above what we know and we are not
   * following or leading anyone, hold our election for one leaderAliveThreshold: the leader answers us as soon
   * as our link to it opens. If it never does, the retry timer runs a normal election.
   */
  private onLeaderHint(term: number, leader: PeerId): void {
    if (this.leading || this.leader !== undefined || this.yielding || leader === this.id) return;
    if (this.phase !== 'starting' && this.phase !== 'electing') return;
    if (!this.known.allows(leader, term) || term === 0) return;
    this.known.observe(term, leader);
    this.clearElectionTimers();
    this.timers.clear('sample');
    this.phase = 'electing';
    this.timers.set('retry', this.config.leaderAliveThreshold, () => this.startElection('hint-expired'));
  }

  /** Tell a leader we cannot follow the highest leadership we know of, so that it rises above it. */
  private hint(leader: PeerId): void {
    if (!this.adapter.send) return; // it will learn from our next proposal
    this.adapter.send(leader, this.proposal());
    this.counters.proposalsSent++;
  }

  private proposal(): ElectionWireMessage {
    const { term, holder } = this.known;
    return holder === undefined
      ? { type: 'proposal', sender: this.id, term }
      : { type: 'proposal', sender: this.id, term, holder };
  }

  // ---- following ------------------------------------------------------------------------------------------

  /** Fabric: a leader steps down for a lower id. The callback and event name the new leadership. */
  private stepDown(leader: PeerId, term: number): void {
    this.leading = false;
    this.timers.clear('heartbeat');
    this.leader = leader;
    this.currentTerm = term;
    this.timeline.emit('leadership-lost', 'lower-id-leader');
    this.timeline.notifyLeadership(false);
    this.adapter.reportMetrics?.(false);
    this.follow(leader, term, 'lower-id-leader');
  }

  private follow(leader: PeerId, term: number, reason: string): void {
    const leaderChanged = this.leader !== leader;
    const termChanged = term !== this.currentTerm;
    if (!leaderChanged && this.phase === 'steady' && !this.leading && !this.yielding) {
      // The hot path: a heartbeat of the leader we follow. No election timer can be pending here.
      this.lastDeclarationAt = this.clock.now();
      if (this.proposals.size > 0) this.proposals.clear();
      if (!this.timers.has('liveness')) this.armLiveness();
      if (termChanged) {
        this.currentTerm = term;
        this.timeline.emit('term-changed', reason);
      }
      return;
    }
    this.leader = leader;
    this.currentTerm = term;
    this.lastDeclarationAt = this.clock.now();
    this.proposals.clear();
    this.clearElectionTimers();
    this.timers.clear('sample');
    this.phase = 'steady';
    if (!this.timers.has('liveness')) this.armLiveness();
    // A yield ends when a leader is confirmed, not on a successor adopted on its predecessor's word.
    if (this.yielding && reason !== 'handover') this.stopYielding();
    if (leaderChanged) {
      this.timeline.emit('leader-changed', reason);
      this.adapter.reportMetrics?.(false);
    } else if (termChanged) {
      this.timeline.emit('term-changed', reason);
    }
  }

  /** Suspect the leader exactly leaderAliveThreshold after its last declaration (Fabric: T..2T). */
  private armLiveness(): void {
    const due = this.lastDeclarationAt + this.config.leaderAliveThreshold;
    this.timers.set('liveness', due - this.clock.now(), () => this.checkLiveness());
  }

  private checkLiveness(): void {
    if (this.leading || this.leader === undefined) return;
    const now = this.clock.now();
    const due = this.lastDeclarationAt + this.config.leaderAliveThreshold;
    if (now < due) {
      this.armLiveness();
      return;
    }
    // Ran late: we were stalled, and the leader's declaration may be queued behind this timer or overdue.
    const grace =
      this.stallGraceFor === this.lastDeclarationAt
        ? 0
        : stallGrace(this.config.leaderAliveThreshold, now - due);
    if (grace > 0) {
      this.stallGraceFor = this.lastDeclarationAt;
      this.counters.stallGraces++;
      this.timers.set('liveness', grace, () => this.checkLiveness());
      return;
    }
    this.suspectLeader('leader-silent');
  }

  private suspectLeader(reason: string): void {
    if (this.leader !== undefined) this.silent.add(this.leader);
    this.leader = undefined;
    this.timers.clear('liveness');
    this.timeline.emit('leader-changed', reason);
    if (reason === 'leader-left') this.succeed(reason);
    else this.startElection(reason);
  }

  /**
   * The leader left our view (the mesh saw it go): the successor every view agrees on declares at once, the
   * others wait for it only D before a normal election (see handover.ts).
   */
  private succeed(reason: string): void {
    // Only exclusions every peer shares (not `abdicated`: the peer that abdicated does not exclude itself).
    // A view still filling (links to room members opening) is not one every peer agrees on.
    const successor = handover.agreedSuccessor([this.id, ...this.adapter.peers()], this.silent);
    if (this.yielding || successor === undefined || this.adapter.settling?.() === true)
      this.startElection(reason);
    else if (successor === this.id) this.becomeLeader(reason);
    else this.awaitSuccessor('successor-timeout');
  }

  private viewChanged(): void {
    if (this.phase === 'stopped') return;
    if (this.phase === 'starting') {
      this.roomMaybeEmpty();
      return;
    }
    for (const peer of this.silent) if (!this.view.has(peer)) this.silent.delete(peer);
    if (this.leading) {
      const view = this.adapter.peers();
      for (const peer of view) if (!this.answeredView.has(peer)) this.answer(peer);
      this.answeredView = new Set(view);
      return;
    }
    if (this.leader !== undefined && !this.view.has(this.leader)) this.suspectLeader('leader-left');
  }

  // ---- elections: Fabric's leaderElection ------------------------------------------------------------------

  private startElection(reason: string): void {
    if (this.phase === 'stopped' || this.leading || this.leader !== undefined) return;
    this.clearElectionTimers();
    this.timers.clear('sample');
    if (this.yielding) {
      // Fabric: a yielding peer does not take part; it waits for a leader or the end of the yield.
      this.phase = 'steady';
      return;
    }
    this.phase = 'electing';
    if (this.hasLowerProposal(true)) {
      this.timers.set('election', this.config.leaderElectionDuration, () => this.finishElection());
      return;
    }
    const delay = this.backoff();
    if (delay === 0) {
      this.propose(reason);
      return;
    }
    this.timers.set('backoff', delay, () => {
      if (this.hasLowerProposal(true)) {
        this.timers.set('election', this.config.leaderElectionDuration, () => this.finishElection());
      } else {
        this.propose(reason);
      }
    });
  }

  private propose(reason: string): void {
    this.send(this.proposal());
    this.counters.proposalsSent++;
    this.timeline.emit('election-started', reason);
    this.timers.set('election', this.config.leaderElectionDuration, () => this.finishElection());
  }

  private finishElection(): void {
    if (this.phase !== 'electing' || this.leader !== undefined || this.yielding) return;
    if (this.hasLowerProposal()) {
      // Fabric: a lower id proposed; follow for a round, then try again if it never declared.
      this.proposals.clear();
      this.timers.set('retry', this.config.leaderAliveThreshold, () => this.startElection('retry'));
      return;
    }
    this.becomeLeader('elected');
  }

  /**
   * Did a lower id in our view propose (Fabric: then we do not declare)? With `covering`, only proposals that
   * carry a term at least as high as ours count: then staying quiet loses nothing the winner needs to know.
   */
  private hasLowerProposal(covering = false): boolean {
    for (const [proposer, term] of this.proposals) {
      if (covering && term < this.known.term) continue;
      if (this.excluded(proposer)) continue;
      if (compareIds(proposer, this.id) < 0 && this.view.has(proposer)) return true;
    }
    return false;
  }

  /** Not in Fabric: lower ids propose first, so the others usually see a lower proposal and stay quiet. */
  private backoff(): number {
    if (this.config.proposalBackoff === 0) return 0;
    let rank = 0;
    for (const peer of this.adapter.peers()) {
      if (!this.excluded(peer) && compareIds(peer, this.id) < 0 && ++rank >= backoffRanks) break;
    }
    return (this.config.proposalBackoff * rank) / backoffRanks;
  }

  /** A peer not expected to take part in an election now: a leader gone silent, or one that just abdicated. */
  private excluded(peer: PeerId): boolean {
    return peer === this.abdicated || this.silent.has(peer);
  }

  private clearElectionTimers(): void {
    this.timers.clear('backoff', 'election', 'retry', 'handover');
  }

  // ---- leading: Fabric's beLeader / leader / stopBeingLeader ----------------------------------------------

  /** `term`: the one a hand-over named (checked allowed); otherwise above every term known. */
  private becomeLeader(reason: string, term?: number): void {
    this.clearElectionTimers();
    this.timers.clear('sample', 'liveness');
    this.currentTerm = this.known.next(this.id, term);
    this.leading = true;
    this.leader = this.id;
    this.phase = 'steady';
    this.proposals.clear();
    this.answeredView = new Set(this.adapter.peers());
    // Declare before telling listeners: what they send on becoming leader (shared-work's catch-up requests)
    // must not delay the message every follower is waiting for.
    this.declare();
    this.timeline.emit('leadership-gained', reason);
    this.timeline.notifyLeadership(true);
  }

  /** Leadership under a new term above every term seen: a new fencing token, announced at once. */
  private raiseTerm(reason: string): void {
    this.currentTerm = this.known.next(this.id);
    this.declare();
    this.timeline.emit('term-changed', reason);
    this.timeline.notifyLeadership(true);
  }

  private declare(): void {
    if (!this.leading) return;
    this.send({ type: 'declaration', sender: this.id, term: this.currentTerm });
    this.counters.declarationsSent++;
    this.lastDeclaredAt = this.clock.now();
    this.adapter.reportMetrics?.(true);
    this.timers.set('heartbeat', this.config.leaderAliveThreshold / 2, () => this.declare());
  }

  /** Declare soon: now, unless we declared very recently (then at most once more, a little later). */
  private requestDeclaration(): void {
    if (!this.leading) return;
    const gap = Math.min(this.config.leaderElectionDuration, this.config.leaderAliveThreshold / 2) / 4;
    const earliest = this.lastDeclaredAt + gap;
    const now = this.clock.now();
    if (now >= earliest) {
      this.declare();
      return;
    }
    const due = this.timers.dueAt('heartbeat');
    if (due === undefined || due > earliest)
      this.timers.set('heartbeat', earliest - now, () => this.declare());
  }

  /** Tell one peer who leads: directly when the adapter can, else by gossip (rate-limited). */
  private answer(peer: PeerId): void {
    if (this.adapter.send) {
      const declaration: ElectionWireMessage = {
        type: 'declaration',
        sender: this.id,
        term: this.currentTerm,
      };
      this.adapter.send(peer, declaration);
      this.counters.declarationsSent++;
    } else {
      this.requestDeclaration();
    }
  }

  /** Hand over: gossip that we stop leading, naming the lowest id of our view as successor, and its term. */
  private abdicate(): AbdicationMessage {
    const successor = handover.agreedSuccessor(this.adapter.peers(), this.silent);
    const abdication = handover.abdication(this.id, this.currentTerm, successor, this.known);
    this.send(abdication);
    this.counters.abdicationsSent++;
    return abdication;
  }

  // ---- yielding -----------------------------------------------------------------------------------------

  private yieldOver(): void {
    this.yielding = false;
    if (this.leader === undefined && !this.leading) this.startElection('yield-over');
  }

  private stopYielding(): void {
    this.yielding = false;
    this.timers.clear('yield');
  }

  // ---- plumbing -----------------------------------------------------------------------------------------

  private send(message: ElectionWireMessage): void {
    this.adapter.gossip(message);
  }
}
