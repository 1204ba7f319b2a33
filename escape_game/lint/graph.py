"""The story as a graph for `check`: scenes, the choices offered in each, and where they lead.

Offers follow the engine's rules exactly (`Engine._candidates`): a scene's own choices
(or the single `continue` of a `next:` scene), then its location's, then the story's,
leaving out a shared choice in the scene it leads to. Conditions are ignored here
(`logic` judges them). `goto: back` returns to the scene the player came from, so
its targets are the scene's predecessors, found by iterating until nothing changes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import NamedTuple

from escape_game.model import BACK, CONTINUE_ID, Choice, Story


class Offer(NamedTuple):
    """One choice as offered in one scene.

    Attributes:
        choice: the choice.
        owner: the scene id for a scene's own choice, `@location` for a location's,
            `*` for the story's (as `state.choice_key` names them).
        index: its position in its owner's list (-1 for the `continue` of `next:`).
    """

    choice: Choice
    owner: str
    index: int

    @property
    def automatic(self) -> bool:
        """A fallback with no text: taken at once when nothing else can be taken."""
        return self.choice.fallback and not self.choice.text

    @property
    def unconditional(self) -> bool:
        """Offered and open whatever the state (no `if`, no `locked_if`)."""
        return self.choice.if_ is None and self.choice.locked_if is None


def offers_in(story: Story, scene_id: str) -> list[Offer]:
    """Every choice offered in a scene, in the engine's order (none at an ending)."""
    scene = story.scenes[scene_id]
    if scene.ending is not None:
        return []
    if scene.next:
        found = [Offer(Choice(id=CONTINUE_ID, text="Continue", goto=scene.next), scene_id, -1)]
    else:
        found = [Offer(choice, scene_id, index) for index, choice in enumerate(scene.choices)]
    location = story.manifest.locations.get(scene.location)
    if location is not None:
        found += [Offer(choice, "@" + scene.location, index)
                  for index, choice in enumerate(location.choices) if choice.goto != scene_id]
    found += [Offer(choice, "*", index) for index, choice in enumerate(story.manifest.choices)
              if choice.goto != scene_id]
    return found


class StoryGraph:
    """Scenes and moves of one story.

    Args:
        story: the loaded story.

    Attributes:
        offers: scene id -> the offers in it.
        moves: scene id -> (target, offer) pairs, `back` resolved to every scene the
            player can have come from.
        came_from: scene id -> the scenes with a move into it.
        endings: ids of ending scenes.
    """

    def __init__(self, story: Story) -> None:
        self.story = story
        self.offers = {scene_id: offers_in(story, scene_id) for scene_id in story.scenes}
        self.endings = {scene_id for scene_id, scene in story.scenes.items()
                        if scene.ending is not None}
        self.moves = self._moves()
        self.came_from = self.predecessors(self.moves)

    def _moves(self) -> dict[str, list[tuple[str, Offer]]]:
        scenes = self.story.scenes
        forward = {scene_id: [(offer.choice.goto, offer) for offer in offers
                              if offer.choice.goto != BACK and offer.choice.goto in scenes]
                   for scene_id, offers in self.offers.items()}
        backs = {scene_id: [offer for offer in offers if offer.choice.goto == BACK]
                 for scene_id, offers in self.offers.items()}
        backs = {scene_id: found for scene_id, found in backs.items() if found}
        if not backs:
            return forward
        # A player can only have come from a scene they reached, and going back never
        # reaches anything new, so only predecessors reachable from the start count.
        self.moves = forward
        reached = self.reachable(self.story.manifest.start)
        moves = forward
        while True:  # a back move makes its target a predecessor too: repeat until still
            came_from = self.predecessors(moves)
            grown = {scene_id: forward[scene_id] + [
                (source, offer) for offer in backs.get(scene_id, ())
                for source in sorted(came_from.get(scene_id, set()) & reached)]
                for scene_id in forward}
            if sum(map(len, grown.values())) == sum(map(len, moves.values())):
                return grown
            moves = grown

    @staticmethod
    def predecessors(moves: dict[str, list[tuple[str, Offer]]]) -> dict[str, set[str]]:
        """scene id -> the scenes with a move into it."""
        found: dict[str, set[str]] = {}
        for source, pairs in moves.items():
            for target, _ in pairs:
                found.setdefault(target, set()).add(source)
        return found

    def reachable(self, start: str, usable: Callable[[Offer], bool] = lambda offer: True,
                  ) -> set[str]:
        """Scenes reachable from `start` through offers for which `usable` is true
        (`back` moves are left out: they only return to a scene already reached)."""
        if start not in self.story.scenes:
            return set()
        seen, queue = {start}, deque([start])
        while queue:
            for target, offer in self.moves[queue.popleft()]:
                if target not in seen and offer.choice.goto != BACK and usable(offer):
                    seen.add(target)
                    queue.append(target)
        return seen

    def reaching(self, targets: Iterable[str]) -> set[str]:
        """Scenes from which some scene in `targets` can be reached (targets included)."""
        back = self.came_from
        seen = set(targets)
        queue = deque(seen)
        while queue:
            for source in back.get(queue.popleft(), ()):
                if source not in seen:
                    seen.add(source)
                    queue.append(source)
        return seen

    def revisitable(self) -> set[str]:
        """Scenes that lie on a cycle of moves, so a player can enter them again."""
        found = set()
        for component in components({s: [t for t, _ in pairs] for s, pairs in self.moves.items()}):
            if len(component) > 1:
                found.update(component)
            elif any(target == component[0] for target, _ in self.moves[component[0]]):
                found.add(component[0])
        return found


def components(edges: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
    return found
