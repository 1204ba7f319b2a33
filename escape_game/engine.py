"""The state machine: scenes are states, choices are transitions.

Pure: no terminal, no files. `Engine.start` and `Engine.choose` take a frozen
`GameState` and return a `Step`: the new state, the passages to show (more than one
when automatic moves chain on), and the choices now offered. Nothing is kept between
calls, so the same state and choice always give the same step (randomness included).
"""

from __future__ import annotations

from dataclasses import dataclass

from msgspec.structs import replace

from escape_game.errors import CommandError, StoryError
from escape_game.expressions import Expression, ExpressionError, Scope
from escape_game.model import BACK, CONTINUE_ID, Choice, Ending, Story
from escape_game.program import Program
from escape_game.state import GameState, choice_key

#: Automatic moves (textless fallbacks) allowed in a row before it is called a cycle.
MAX_AUTOMATIC_MOVES = 100


@dataclass(frozen=True)
class ChoiceView:
    """A choice as offered in one state.

    Attributes:
        id: the choice's id (what a player types or a walkthrough records).
        text: its text as rendered now.
        locked: shown but cannot be taken.
        reason: why it is locked, rendered; empty when not locked.
    """

    id: str
    text: str
    locked: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Passage:
    """One scene's passage as the player saw it.

    Attributes:
        scene: the scene id.
        title: the scene's title, or its location's name when it has none.
        location: the location id ("" when unknown).
        text: the rendered passage, still Markdown.
        ending: set when the scene is an ending.
        gained: item ids gained on the way into this passage.
        lost: item ids lost on the way into this passage.
    """

    scene: str
    title: str
    location: str
    text: str
    ending: Ending | None = None
    gained: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """What one move produced.

    Attributes:
        state: the state after the move.
        passages: passages to show, in order; the last is the current scene.
        choices: the choices offered now, locked ones included; empty at an ending.
    """

    state: GameState
    passages: tuple[Passage, ...]
    choices: tuple[ChoiceView, ...]

    @property
    def ended(self) -> bool:
        """Whether the current scene is an ending."""
        return self.passages[-1].ending is not None


@dataclass(frozen=True)
class _Offer:
    choice: Choice
    owner: str


@dataclass(frozen=True)
class _Candidate:
    """An offer with its once-only key and compiled conditions (None when absent)."""

    offer: _Offer
    key: str
    condition: Expression | None
    lock: Expression | None
    draws: int


#: Where conditions and texts count their random draws from, apart from effects' draws
#: and from each other, so a state's choices and text come out the same whenever they
#: are worked out (shown, chosen, looked at again). Each candidate's conditions get
#: DRAWS_APART draws of their own.
CONDITION_DRAWS = 1 << 20
TEXT_DRAWS = 1 << 40
DRAWS_APART = 64
#: Each scene's conditions and text draw from a range of their own, so that scenes
#: passed through in one move (automatic moves) never share a draw: scene number n's
#: conditions from CONDITION_DRAWS + n * SCENE_CONDITIONS_APART, its text (and then
#: its choices' text) from TEXT_DRAWS + n * SCENE_TEXT_APART.
SCENE_CONDITIONS_APART = 1 << 16
SCENE_TEXT_APART = 1 << 20


def _drawn(expression: Expression, scope: Scope, first_draw: int):
    """Evaluate `expression` with its random draws counted from `first_draw`."""
    draws, scope.draws = scope.draws, first_draw
    try:
        return expression.evaluate(scope)
    finally:
        scope.draws = draws


class Engine:
    """Plays one loaded story.

    Args:
        story: the story model.
        program: its compiled conditions, effects and texts.
    """

    def __init__(self, story: Story, program: Program) -> None:
        self.story = story
        self.program = program
        manifest = story.manifest
        self.initial_vars = {name: manifest.variable(name).value for name in manifest.vars}
        self._candidate_cache: dict[str, tuple[_Candidate, ...]] = {}
        self._number = {scene_id: n for n, scene_id in enumerate(story.scenes)}
        self._continue = {
            scene_id: (Choice(id=CONTINUE_ID, text="Continue", goto=scene.next),)
            for scene_id, scene in story.scenes.items()
            if scene.next
        }

    # -- moves ----------------------------------------------------------------------

    def start(self, seed: int = 0, scene: str = "", variables: dict | None = None) -> Step:
        """A new game at the story's start (or at `scene`, with `variables` set).

        Raises:
            StoryError: the start scene is missing, or a story error on the way in.
        """
        start = scene or self.story.manifest.start
        if start not in self.story.scenes:
            raise StoryError(f"there is no scene '{start}' to start at",
                             "name a scene the story defines")
        state = GameState(scene=start, vars={**self.initial_vars, **(variables or {})},
                          seed=seed)
        scope = self._scope(state)
        try:
            return self._arrive(state, scope, start, came_from="", passages=[])
        except ExpressionError as error:
            raise self._located(error, start, "") from None

    def choose(self, state: GameState, choice_id: str, render: bool = True) -> Step:
        """Take the choice `choice_id` in `state`.

        With `render=False` the step's passages hold no text and it offers no choice
        views: for replaying a log fast, when only the state matters.

        Raises:
            CommandError: no such choice is offered, or it is locked (the message
                gives the reason in the story's words).
            StoryError: a story error met on the way (a cycle, a dead end, ...).
        """
        scope = self._scope(state)
        try:
            offer = self._offer(state, scope, choice_id)
            scope.turn = state.turn + 1
            return self._take(replace(state, turn=scope.turn), scope, offer, [], render)
        except ExpressionError as error:
            raise self._located(error, state.scene, choice_id) from None

    def choices(self, state: GameState) -> tuple[ChoiceView, ...]:
        """The choices offered in `state`, rendered as shown (empty at an ending)."""
        return self.look(state).choices

    def look(self, state: GameState) -> Step:
        """The current scene shown again, exactly as it was, without entering it again."""
        scope = self._scope(state)
        passage = self._passage(state.scene, scope, state)
        views = tuple(self._view(offer, scope, state, locked)
                      for offer, locked in self._offers(state, scope))
        return Step(state, (passage,), views)

    def test(self, state: GameState, condition: str) -> bool:
        """Whether `condition` (story language) holds in `state`.

        Raises:
            ExpressionError: the condition does not compile or evaluate.
        """
        return bool(self.program.condition(condition).evaluate(self._scope(state)))

    # -- internals ------------------------------------------------------------------

    def _scope(self, state: GameState) -> Scope:
        return Scope(vars=dict(state.vars), inventory=list(state.inventory),
                     visits=state.visits, turn=state.turn, seed=state.seed)

    def _offer(self, state: GameState, scope: Scope, choice_id: str) -> _Offer:
        """The offer `choice_id` names in `state`, checked as `_offers` would show it."""
        if self.story.scenes[state.scene].ending is not None:
            raise CommandError("the story has ended: there are no more choices",
                               "start a new game, or load a save")
        for candidate in self._candidates(state.scene):
            if candidate.offer.choice.id != choice_id or not self._visible(candidate, state, scope):
                continue
            choice = candidate.offer.choice
            if self._locked(candidate, scope):
                reason = self._render(choice.reason, scope, state)
                raise CommandError(" ".join(reason.split()) or "That choice is locked.")
            if choice.fallback and candidate.offer not in (
                    offer for offer, _ in self._offers(state, scope)):
                break  # a fallback is offered only when nothing else can be taken
            return candidate.offer
        raise CommandError(f"there is no choice '{choice_id}' here",
                           "type a number or a choice id from the list")

    def _offers(self, state: GameState, scope: Scope) -> list[tuple[_Offer, bool]]:
        """(offer, locked) pairs in the order shown; fallbacks only when nothing else."""
        if self.story.scenes[state.scene].ending is not None:
            return []
        shown: list[tuple[_Offer, bool]] = []
        fallbacks: list[tuple[_Offer, bool]] = []
        open_ = False
        for candidate in self._candidates(state.scene):
            if not self._visible(candidate, state, scope):
                continue
            locked = self._locked(candidate, scope)
            if candidate.offer.choice.fallback:
                fallbacks.append((candidate.offer, locked))
            else:
                shown.append((candidate.offer, locked))
                open_ = open_ or not locked
        if open_:
            return shown
        return [pair for pair in shown if pair[1]] + fallbacks

    def _visible(self, candidate: _Candidate, state: GameState, scope: Scope) -> bool:
        choice = candidate.offer.choice
        if choice.once and candidate.key in state.taken:
            return False
        return candidate.condition is None or bool(
            _drawn(candidate.condition, scope, candidate.draws))

    @staticmethod
    def _locked(candidate: _Candidate, scope: Scope) -> bool:
        return candidate.lock is not None and bool(
            _drawn(candidate.lock, scope, candidate.draws + DRAWS_APART // 2))

    def _candidates(self, scene_id: str) -> tuple[_Candidate, ...]:
        """The scene's own, its location's and the story's choices, compiled; cached."""
        cached = self._candidate_cache.get(scene_id)
        if cached is not None:
            return cached
        scene = self.story.scenes[scene_id]
        own = self._continue.get(scene_id, scene.choices)
        offers = [_Offer(choice, scene_id) for choice in own]
        location = self.story.manifest.locations.get(scene.location)
        if location is not None:
            offers += [_Offer(c, "@" + scene.location) for c in location.choices
                       if c.goto != scene_id]
        offers += [_Offer(c, "*") for c in self.story.manifest.choices if c.goto != scene_id]
        condition = self.program.condition
        cached = self._candidate_cache[scene_id] = tuple(
            _Candidate(
                offer,
                choice_key(offer.owner, offer.choice.id),
                condition(offer.choice.if_) if offer.choice.if_ is not None else None,
                condition(offer.choice.locked_if) if offer.choice.locked_if is not None else None,
                CONDITION_DRAWS + self._number[scene_id] * SCENE_CONDITIONS_APART
                + index * DRAWS_APART,
            )
            for index, offer in enumerate(offers)
        )
        return cached

    def _take(self, state: GameState, scope: Scope, offer: _Offer,
              passages: list[Passage], render: bool = True) -> Step:
        choice = offer.choice
        if choice.do:
            self.program.effects(choice.do).apply(scope)
        taken = state.taken
        if choice.once:
            taken = taken | {choice_key(offer.owner, choice.id)}
        target = choice.goto
        if target == BACK:
            target = state.came_from
            if not target:
                raise self._error(state.scene, choice.id,
                                  f"choice '{choice.id}' goes back, but there is no scene to return to",
                                  "give it a scene id instead of 'back'")
        state = replace(state, taken=taken)
        return self._arrive(state, scope, target, state.scene, passages, render)

    def _arrive(self, state: GameState, scope: Scope, target: str, came_from: str,
                passages: list[Passage], render: bool = True) -> Step:
        """Enter `target`: count the visit, run on_enter, render, and follow automatic moves."""
        scene = self.story.scenes.get(target)
        if scene is None:
            raise self._error(state.scene, "", f"scene '{target}' does not exist",
                              "check the goto or next that leads there")
        visits = dict(state.visits)
        visits[target] = visits.get(target, 0) + 1
        scope.visits = visits
        if scene.on_enter:
            self.program.effects(scene.on_enter).apply(scope)
        state = GameState(
            scene=target, vars=scope.vars, inventory=tuple(scope.inventory), visits=visits,
            taken=state.taken, turn=state.turn, seed=state.seed, came_from=came_from,
        )
        scope.vars, scope.inventory = dict(scope.vars), list(scope.inventory)
        effect_draws = scope.draws  # an automatic move's effects draw on from here
        if render:
            passages.append(self._passage(target, scope, state))
        else:
            passages.append(Passage(target, "", scene.location, "", scene.ending))
        scope.gained, scope.lost = [], []
        if scene.ending is not None:
            return Step(state, tuple(passages), ())
        offers = self._offers(state, scope)
        automatic = [offer for offer, locked in offers
                     if not locked and offer.choice.fallback and not offer.choice.text]
        if automatic:
            if len(passages) > MAX_AUTOMATIC_MOVES:
                last = [p.scene for p in passages[-10:]]
                way = " -> ".join(dict.fromkeys(last))
                what = f"automatic moves go round in a cycle: {way}" \
                    if len(set(last)) < len(last) else \
                    f"more than {MAX_AUTOMATIC_MOVES} automatic moves in a row, ending {way}"
                raise self._error(target, "", what,
                                  "give one of these scenes a choice the player makes")
            scope.draws = effect_draws  # the same whether the text was rendered or not
            return self._take(state, scope, automatic[0], passages, render)
        if not any(not locked for _, locked in offers):
            raise self._error(target, "", f"scene '{target}' offers no choice the player can take",
                              "add a fallback choice, or make it an ending")
        if not render:
            return Step(state, tuple(passages), ())
        views = tuple(self._view(offer, scope, state, locked) for offer, locked in offers)
        return Step(state, tuple(passages), views)

    def _passage(self, scene_id: str, scope: Scope, state: GameState) -> Passage:
        scene = self.story.scenes[scene_id]
        location = scene.location or self._location_of(state.came_from)
        place = self.story.manifest.locations.get(location)
        title = scene.title or (place.name if place else "")
        # the text's draws, and then its choices'
        scope.draws = TEXT_DRAWS + self._number[scene_id] * SCENE_TEXT_APART
        return Passage(scene_id, title, location, self._render(scene.text, scope, state),
                       scene.ending, tuple(scope.gained), tuple(scope.lost))

    def _location_of(self, scene_id: str) -> str:
        scene = self.story.scenes.get(scene_id)
        return scene.location if scene else ""

    def _view(self, offer: _Offer, scope: Scope, state: GameState, locked: bool) -> ChoiceView:
        choice = offer.choice
        reason = self._render(choice.reason, scope, state) if locked else ""
        return ChoiceView(choice.id, self._render(choice.text, scope, state), locked, reason)

    def _render(self, source: str, scope: Scope, state: GameState) -> str:
        if not source:
            return ""
        return self.program.text(source).render(scope, state.visits.get(state.scene, 0))

    def _located(self, error: ExpressionError, scene: str, choice: str) -> ExpressionError:
        """A runtime expression error with the file:line of the scene (or choice) where
        it was met, so every front end can say where to look."""
        origin = self.story.origin(scene, choice) or self.story.origin(scene)
        if origin is None or error.message.startswith(f"{origin.path}:"):
            return error
        return ExpressionError(f"{origin.path}:{origin.line}: {error.message}", error.hint,
                               error.offset, error.code)

    def _error(self, scene: str, choice: str, message: str, hint: str) -> StoryError:
        origin = self.story.origin(scene, choice) or self.story.origin(scene)
        where = f"{origin.path}:{origin.line}: " if origin else ""
        return StoryError(f"{where}{message}", hint)

