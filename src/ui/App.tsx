import { Box, useInput, useStdin } from "ink";
import { useCallback, useLayoutEffect, useSyncExternalStore } from "react";
import { DeliveryList, listStatusLine } from "./DeliveryList.js";
import { DetailPane } from "./DetailPane.js";
import { FilterPrompt } from "./FilterPrompt.js";
import { Footer } from "./Footer.js";
import { Header } from "./Header.js";
import { CurlOverlay, HelpOverlay } from "./HelpOverlay.js";
import { headerLines } from "./header-lines.js";
import { handleKey } from "./keymap.js";
import { screenLayout } from "./layout.js";
import { ColorContext, LineView } from "./theme.js";
import type { UiActions } from "./types.js";
import { type TerminalSize, useTerminalSize } from "./use-terminal-size.js";
import type { ViewState, ViewStore } from "./view-store.js";

/** Props of the whole UI. */
export interface AppProps {
  store: ViewStore;
  actions: UiActions;
  /** false under NO_COLOR: nothing is coloured. */
  color: boolean;
  /** Pin the terminal size (tests); otherwise it follows the terminal and its resizes. */
  size?: TerminalSize;
}

/** The okhook UI: header, list, detail pane, prompt, overlays and status line. */
export function App({ store, actions, color, size: fixed }: AppProps) {
  const s = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const size = useTerminalSize(fixed);
  // The revealed secret is read from the actions while shown, never stored in the view state.
  const shown = s.secretShown ? actions.revealSecret?.() : undefined;
  const info = shown ? { ...s.header, secretLabel: shown } : s.header;
  const header = headerLines(info, s.counters, s.total, Math.max(40, size.columns));
  const layout = screenLayout(size, s.detailOpen, header.length);
  const { isRawModeSupported } = useStdin();
  useLayoutEffect(() => {
    store.setViewport(layout.listRows, layout.detailRows);
  }, [store, layout.listRows, layout.detailRows]);
  const onKey = useCallback(
    (input: string, key: Parameters<typeof handleKey>[1]) => handleKey(input, key, store, actions),
    [store, actions],
  );
  useInput(onKey, { isActive: isRawModeSupported === true });
  return (
    <ColorContext.Provider value={color}>
      <Box flexDirection="column" width={layout.width} height={layout.height}>
        <Header lines={header} />
        <LineView line={listStatusLine(statusProps(s))} />
        <Body s={s} layout={layout} />
        {s.prompt !== null ? (
          <FilterPrompt text={s.prompt} />
        ) : (
          <Footer
            flash={s.flash}
            busy={s.busy}
            stopping={s.stopping}
            detailOpen={s.detailOpen}
            secret={s.header.secretLabel !== undefined}
            width={layout.width}
          />
        )}
      </Box>
    </ColorContext.Provider>
  );
}

function Body({ s, layout }: { s: ViewState; layout: ReturnType<typeof screenLayout> }) {
  if (s.overlay === "help") return <HelpOverlay height={layout.bodyRows} />;
  if (s.overlay === "curl" && s.curl)
    return <CurlOverlay curl={s.curl} width={layout.width} height={layout.bodyRows} />;
  return (
    <Box flexDirection="column" height={layout.bodyRows}>
      <DeliveryList
        rows={s.rows}
        cursor={s.cursor}
        scrollTop={s.scrollTop}
        height={layout.listRows}
        width={layout.width}
        replayed={s.replayed}
        filtering={s.filter !== ""}
      />
      {s.detailOpen ? (
        <DetailPane
          detail={s.detail}
          tab={s.tab}
          lines={s.lines}
          scroll={s.detailScroll}
          height={layout.detailRows}
          width={layout.width}
        />
      ) : null}
    </Box>
  );
}

function statusProps(s: ViewState) {
  return {
    follow: s.follow,
    filter: s.filter,
    cursor: s.cursor,
    loaded: s.rows.length,
    hasNewer: s.hasNewer,
    hasOlder: s.hasOlder,
    unseen: s.unseen,
    total: s.total,
    selectedSeq: s.rows[s.cursor]?.seq,
    scanning: s.scanning,
  };
}
