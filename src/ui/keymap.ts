import type { Key } from "ink";
import { shortId } from "../store/ids.js";
import type { UiActions } from "./types.js";
import type { ViewState, ViewStore } from "./view-store.js";

/** What a key press asks for. */
export type UiCommand =
  | "up"
  | "down"
  | "pageUp"
  | "pageDown"
  | "top"
  | "bottom"
  | "enter"
  | "tab"
  | "backTab"
  | "scrollUp"
  | "scrollDown"
  | "filter"
  | "escape"
  | "replay"
  | "follow"
  | "curl"
  | "secret"
  | "help"
  | "quit";

/** The parts of Ink's key description the map reads. */
export type KeyLike = Pick<
  Key,
  | "upArrow"
  | "downArrow"
  | "pageUp"
  | "pageDown"
  | "home"
  | "end"
  | "return"
  | "escape"
  | "tab"
  | "shift"
  | "ctrl"
  | "backspace"
  | "delete"
>;

const CHARS: Record<string, UiCommand> = {
  k: "up",
  j: "down",
  g: "top",
  G: "bottom",
  "/": "filter",
  r: "replay",
  f: "follow",
  c: "curl",
  s: "secret",
  "?": "help",
  q: "quit",
  K: "scrollUp",
  J: "scrollDown",
};

/** Map a key press (outside the filter prompt) to a command. */
export function commandFor(
  input: string,
  key: KeyLike,
  s: Pick<ViewState, "overlay">,
): UiCommand | null {
  if (key.ctrl && input === "c") return "quit";
  if (s.overlay) {
    if (key.escape || key.return || input === "?") return "escape";
    return input === "q" ? "quit" : null;
  }
  if (key.upArrow) return "up";
  if (key.downArrow) return "down";
  if (key.pageUp) return "pageUp";
  if (key.pageDown) return "pageDown";
  if (key.home) return "top";
  if (key.end) return "bottom";
  if (key.return) return "enter";
  if (key.tab) return key.shift ? "backTab" : "tab";
  if (key.escape) return "escape";
  if (key.ctrl) return input === "d" ? "scrollDown" : input === "u" ? "scrollUp" : null;
  return CHARS[input] ?? null;
}

/** Edit the filter prompt: returns the new text, or "apply" / "cancel". */
export function promptEdit(text: string, input: string, key: KeyLike): string | "apply" | "cancel" {
  if (key.return) return "apply";
  if (key.escape) return "cancel";
  if (key.backspace || key.delete) return text.slice(0, -1);
  if (key.ctrl && input === "u") return "";
  if (key.ctrl || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown)
    return text;
  return text + input.replace(/[\r\n]/g, "");
}

/** Route one key press: to the prompt when it is open, else through the command map. */
export function handleKey(input: string, key: KeyLike, store: ViewStore, actions: UiActions): void {
  const s = store.getSnapshot();
  if (key.ctrl && input === "c") {
    runCommand("quit", store, actions);
    return;
  }
  // keys typed faster than a frame (or sent by tmux) arrive as one string: one command each
  if (input.length > 1 && !key.ctrl && !key.escape) {
    for (const ch of input) handleKey(ch, charKey(ch), store, actions);
    return;
  }
  if (s.prompt !== null) {
    const next = promptEdit(s.prompt, input, key);
    if (next === "apply") store.applyFilter();
    else if (next === "cancel") store.cancelPrompt();
    else store.editPrompt(next);
    return;
  }
  const cmd = commandFor(input, key, s);
  if (cmd) runCommand(cmd, store, actions);
}

type Handler = (store: ViewStore, actions: UiActions, detailOpen: boolean) => void;

const COMMANDS: Record<UiCommand, Handler> = {
  up: (s) => s.move(-1),
  down: (s) => s.move(1),
  pageUp: (s, _, detail) => (detail ? s.pageDetail(-1) : s.page(-1)),
  pageDown: (s, _, detail) => (detail ? s.pageDetail(1) : s.page(1)),
  scrollUp: (s) => s.scrollDetail(-1),
  scrollDown: (s) => s.scrollDetail(1),
  top: (s) => s.top(),
  bottom: (s) => s.bottom(),
  enter: (s) => s.toggleDetail(),
  tab: (s) => s.nextTab(1),
  backTab: (s) => s.nextTab(-1),
  filter: (s) => s.openFilter(),
  escape: (s) => s.escape(),
  follow: (s) => s.toggleFollow(),
  help: (s) => s.toggleHelp(),
  curl: (s, a) => showCurl(s, a),
  secret: (s, a) => toggleSecret(s, a),
  replay: (s, a) => {
    void replaySelected(s, a);
  },
  quit: (s, a) => {
    s.setStopping();
    a.quit();
  },
};

const NO_KEY: KeyLike = {
  upArrow: false,
  downArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  tab: false,
  shift: false,
  ctrl: false,
  backspace: false,
  delete: false,
};

/** The key description of one character out of a burst. */
function charKey(ch: string): KeyLike {
  return {
    ...NO_KEY,
    return: ch === "\r" || ch === "\n",
    tab: ch === "\t",
    backspace: ch === "\b" || ch === "\u007f",
  };
}

/** Carry out a command against the view store and the command's actions. */
export function runCommand(cmd: UiCommand, store: ViewStore, actions: UiActions): void {
  COMMANDS[cmd](store, actions, store.getSnapshot().detailOpen);
}

function showCurl(store: ViewStore, actions: UiActions): void {
  const row = store.selected();
  if (!row) {
    store.flash("nothing selected", "warn");
    return;
  }
  try {
    store.showCurl(actions.curl(row.seq));
  } catch (err) {
    store.flash(`curl: ${(err as Error).message}`, "bad");
  }
}

/** `s`: show the secret to paste into Okta for a few seconds, or hide it again. */
function toggleSecret(store: ViewStore, actions: UiActions): void {
  if (store.getSnapshot().secretShown) {
    store.toggleSecret();
    return;
  }
  if (!actions.revealSecret?.()) {
    store.flash("no secret to show: run okhook secret to see why", "warn");
    return;
  }
  store.toggleSecret();
  const seconds = Math.round(store.revealMs() / 1000);
  store.flash(
    `secret shown for ${seconds} s: Okta's Authentication secret field (s hides it)`,
    "dim",
  );
}

/** Replay the selected delivery and show the new attempt; one replay at a time. */
export async function replaySelected(store: ViewStore, actions: UiActions): Promise<void> {
  const row = store.selected();
  if (!row) {
    store.flash("nothing selected", "warn");
    return;
  }
  if (store.getSnapshot().busy) return;
  store.setBusy(`replaying ${shortId(row.id)}…`);
  try {
    store.replayed(row.seq, await actions.replay(row.seq));
  } catch (err) {
    store.setBusy(null);
    store.flash(`replay failed: ${(err as Error).message}`, "bad");
  }
}
