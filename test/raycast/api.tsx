/**
 * A test double of @raycast/api, which has no runtime outside the Raycast app. jest maps every import of
 * "@raycast/api" here (also @raycast/utils' own require). Components render host elements named as in
 * Raycast ("List.Item", "Action.CopyToClipboard"…) into the tree of test/raycast/render.tsx; element
 * props (actions, detail, accessories' icons) are rendered as named slots so tests can reach them.
 * Side effects (toasts, HUDs, alerts, clipboard, open, launchCommand, LocalStorage, Cache) are recorded
 * in one store. The store lives on globalThis because jest loads this file twice: as ESM for the
 * commands, as CommonJS for @raycast/utils.
 */
import os from "node:os";
import path from "node:path";
import React, { createContext, createElement, useContext, type ReactNode } from "react";

type Props = Record<string, unknown> & { children?: ReactNode };

export interface Store {
  preferences: Record<string, unknown>;
  toasts: Toast[];
  huds: string[];
  /**
   * Raycast's main window: a no-view command run by its hotkey starts with it closed, and showHUD closes
   * it. While it is closed showToast falls back to a HUD (developers.raycast.com/api-reference/feedback/toast:
   * "The showToast() will fallback to showHUD() if the Raycast window is closed"), whose actions nobody can reach.
   */
  mainWindow: "open" | "closed";
  alerts: AlertOptions[];
  /** Answers for the next confirmAlert calls, in order; an alert with no answer left is cancelled. */
  alertAnswers: boolean[];
  clipboard: string[];
  opened: { target: string; application?: string }[];
  launched: LaunchOptions[];
  closedMainWindow: number;
  poppedToRoot: number;
  localStorage: Map<string, string | number | boolean>;
  cache: Map<string, string>;
  applications: Application[];
  environment: typeof baseEnvironment;
}

const baseEnvironment = {
  extensionName: "sshmount",
  commandName: "mount-ssh-host",
  commandMode: "view" as "view" | "no-view" | "menu-bar",
  launchType: "userInitiated" as LaunchType,
  supportPath: path.join(os.tmpdir(), "sshmount-raycast-support"),
  assetsPath: path.resolve("assets"),
  isDevelopment: true,
  raycastVersion: "1.104.0",
  ownerOrAuthorName: "sshmount",
  appearance: "dark" as const,
  theme: "dark" as const,
  textSize: "medium" as const,
  canAccess: () => true,
};

function freshStore(): Store {
  return {
    preferences: {},
    toasts: [],
    huds: [],
    mainWindow: "open",
    alerts: [],
    alertAnswers: [],
    clipboard: [],
    opened: [],
    launched: [],
    closedMainWindow: 0,
    poppedToRoot: 0,
    localStorage: new Map(),
    cache: new Map(),
    applications: [],
    environment: { ...baseEnvironment },
  };
}

const storeKey = Symbol.for("sshmount.raycast-double.store");
const globals = globalThis as unknown as Record<symbol, Store>;
globals[storeKey] ??= freshStore();

export function store(): Store {
  return globals[storeKey];
}

/** Forgets everything recorded, and the storage, as a fresh Raycast install would. */
export function resetStore(overrides: Partial<Store> = {}): Store {
  globals[storeKey] = { ...freshStore(), ...overrides };
  return globals[storeKey];
}

// ---------- enums and plain values ----------

/** Icons and colours are names; tests compare them as strings. */
function names<T extends string>(): Record<T, string> {
  return new Proxy({} as Record<T, string>, { get: (_, name) => String(name) });
}

export const Icon = names<string>();
export const Color = names<string>();

export enum LaunchType {
  UserInitiated = "userInitiated",
  Background = "background",
}

type Shortcut = { modifiers: string[]; key: string };
const shortcut = (key: string, ...modifiers: string[]): Shortcut => ({ modifiers, key });

/** The macOS bindings Raycast documents for Keyboard.Shortcut.Common. */
export const Keyboard = {
  Shortcut: {
    Common: {
      Copy: shortcut("c", "cmd", "shift"),
      CopyDeeplink: shortcut("c", "cmd", "shift"),
      CopyName: shortcut(".", "cmd", "shift"),
      CopyPath: shortcut(",", "cmd", "shift"),
      Save: shortcut("s", "cmd"),
      Duplicate: shortcut("d", "cmd"),
      Edit: shortcut("e", "cmd"),
      MoveDown: shortcut("arrowDown", "cmd", "shift"),
      MoveUp: shortcut("arrowUp", "cmd", "shift"),
      New: shortcut("n", "cmd"),
      Open: shortcut("o", "cmd"),
      OpenWith: shortcut("o", "cmd", "shift"),
      Pin: shortcut("p", "cmd", "shift"),
      Refresh: shortcut("r", "cmd"),
      Remove: shortcut("x", "ctrl"),
      RemoveAll: shortcut("x", "ctrl", "shift"),
      ToggleQuickLook: shortcut("y", "cmd"),
    },
  },
};

export const Image = { Mask: { Circle: "circle", RoundedRectangle: "roundedRectangle" } };

export const environment = new Proxy({} as typeof baseEnvironment, {
  get: (_, key) => store().environment[key as keyof typeof baseEnvironment],
});

export function getPreferenceValues<T>(): T {
  return { ...store().preferences } as T;
}

// ---------- side effects ----------

enum ToastStyle {
  Animated = "ANIMATED",
  Success = "SUCCESS",
  Failure = "FAILURE",
}

interface ToastActionOptions {
  title: string;
  shortcut?: Shortcut;
  onAction: (toast: Toast) => void;
}

interface ToastOptions {
  style?: ToastStyle;
  title: string;
  message?: string;
  primaryAction?: ToastActionOptions;
  secondaryAction?: ToastActionOptions;
}

/**
 * A toast whose every change is kept in `history`, as the user would have seen it. Shown as a HUD (the
 * window was closed) it has no actions: those given to it are kept in `unreachableActions` instead.
 */
export class Toast {
  static Style = ToastStyle;
  private state: { style: string; title: string; message?: string };
  private actions: { primary?: ToastActionOptions; secondary?: ToastActionOptions } = {};
  readonly asHud: boolean;
  unreachableActions: string[] = [];
  history: { style: string; title: string; message?: string }[] = [];
  hidden = false;

  constructor(options: ToastOptions, asHud = false) {
    this.asHud = asHud;
    this.state = { style: options.style ?? ToastStyle.Success, title: options.title, message: options.message };
    this.primaryAction = options.primaryAction;
    this.secondaryAction = options.secondaryAction;
    this.history.push({ ...this.state });
  }

  private setAction(which: "primary" | "secondary", action: ToastActionOptions | undefined) {
    if (action && this.asHud) this.unreachableActions.push(action.title);
    else this.actions[which] = action;
  }

  get primaryAction() {
    return this.actions.primary;
  }
  set primaryAction(action: ToastActionOptions | undefined) {
    this.setAction("primary", action);
  }
  get secondaryAction() {
    return this.actions.secondary;
  }
  set secondaryAction(action: ToastActionOptions | undefined) {
    this.setAction("secondary", action);
  }

  private change(patch: Partial<{ style: string; title: string; message?: string }>) {
    this.state = { ...this.state, ...patch };
    this.history.push({ ...this.state });
  }

  get style() {
    return this.state.style as ToastStyle;
  }
  set style(style: ToastStyle) {
    this.change({ style });
  }
  get title() {
    return this.state.title;
  }
  set title(title: string) {
    this.change({ title });
  }
  get message() {
    return this.state.message;
  }
  set message(message: string | undefined) {
    this.change({ message });
  }
  async show() {
    this.hidden = false;
  }
  async hide() {
    this.hidden = true;
  }
}

export async function showToast(options: ToastOptions): Promise<Toast>;
export async function showToast(style: ToastStyle, title: string, message?: string): Promise<Toast>;
export async function showToast(first: ToastOptions | ToastStyle, title?: string, message?: string) {
  const options = typeof first === "string" ? { style: first, title: title ?? "", message } : first;
  const asHud = store().mainWindow === "closed";
  const toast = new Toast(options, asHud);
  store().toasts.push(toast);
  if (asHud) store().huds.push(toast.title);
  return toast;
}

export async function showHUD(title: string): Promise<void> {
  store().huds.push(title);
  store().mainWindow = "closed";
}

enum AlertActionStyle {
  Default = "DEFAULT",
  Cancel = "CANCEL",
  Destructive = "DESTRUCTIVE",
}

interface AlertActionOptions {
  title: string;
  style?: AlertActionStyle;
  onAction?: () => void;
}

export interface AlertOptions {
  title: string;
  message?: string;
  icon?: unknown;
  primaryAction?: AlertActionOptions;
  dismissAction?: AlertActionOptions;
  rememberUserChoice?: boolean;
}

export const Alert = { ActionStyle: AlertActionStyle };

/** Answers with the next of store().alertAnswers; runs the chosen action's onAction as Raycast does. */
export async function confirmAlert(options: AlertOptions): Promise<boolean> {
  store().alerts.push(options);
  const confirmed = store().alertAnswers.shift() ?? false;
  (confirmed ? options.primaryAction : options.dismissAction)?.onAction?.();
  return confirmed;
}

export const Clipboard = {
  async copy(content: string | { text: string }) {
    store().clipboard.push(typeof content === "string" ? content : content.text);
  },
  async readText() {
    return store().clipboard.at(-1);
  },
};

export async function open(target: string, application?: string): Promise<void> {
  store().opened.push({ target, ...(application ? { application } : {}) });
}

export async function showInFinder(target: string): Promise<void> {
  store().opened.push({ target, application: "Finder" });
}

export interface LaunchOptions {
  name: string;
  type: LaunchType;
  arguments?: Record<string, string>;
  context?: Record<string, unknown>;
}

/** The extension's commands it launches are view commands: Raycast opens its window for them. */
export async function launchCommand(options: LaunchOptions): Promise<void> {
  store().launched.push(options);
  store().mainWindow = "open";
}

export async function closeMainWindow(): Promise<void> {
  store().closedMainWindow += 1;
  store().mainWindow = "closed";
}

export async function popToRoot(): Promise<void> {
  store().poppedToRoot += 1;
}

export interface Application {
  name: string;
  path: string;
  bundleId?: string;
}

export async function getApplications(): Promise<Application[]> {
  return store().applications;
}

/** Async and typed like Raycast's: string, number and boolean values only. */
export const LocalStorage = {
  async getItem<T extends string | number | boolean>(key: string): Promise<T | undefined> {
    return store().localStorage.get(key) as T | undefined;
  },
  async setItem(key: string, value: string | number | boolean) {
    store().localStorage.set(key, value);
  },
  async removeItem(key: string) {
    store().localStorage.delete(key);
  },
  async allItems() {
    return Object.fromEntries(store().localStorage);
  },
  async clear() {
    store().localStorage.clear();
  },
};

/**
 * Raycast's synchronous Cache, kept in the store so it outlives one command as on disk. Methods are
 * bound, as Raycast's are: @raycast/utils hands `subscribe` to useSyncExternalStore on its own.
 */
export class Cache {
  private namespace: string;
  private listeners = new Set<(key: string | undefined, data: string | undefined) => void>();
  constructor(options: { namespace?: string; capacity?: number } = {}) {
    this.namespace = options.namespace ?? "";
  }
  private key = (key: string) => `${this.namespace}\u0000${key}`;
  private notify = (key: string | undefined, data: string | undefined) =>
    this.listeners.forEach((listener) => listener(key, data));
  get = (key: string) => store().cache.get(this.key(key));
  has = (key: string) => store().cache.has(this.key(key));
  set = (key: string, data: string) => {
    store().cache.set(this.key(key), data);
    this.notify(key, data);
  };
  remove = (key: string) => {
    const removed = store().cache.delete(this.key(key));
    this.notify(key, undefined);
    return removed;
  };
  clear = () => {
    for (const key of [...store().cache.keys()]) if (key.startsWith(this.key(""))) store().cache.delete(key);
    this.notify(undefined, undefined);
  };
  get isEmpty() {
    return ![...store().cache.keys()].some((key) => key.startsWith(this.key("")));
  }
  subscribe = (listener: (key: string | undefined, data: string | undefined) => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };
}

// ---------- navigation ----------

export interface Navigation {
  push: (element: ReactNode) => void;
  pop: () => void;
}

const navigationKey = Symbol.for("sshmount.raycast-double.navigation");
const contexts = globalThis as unknown as Record<symbol, React.Context<Navigation | undefined>>;
contexts[navigationKey] ??= createContext<Navigation | undefined>(undefined);
export const NavigationContext = contexts[navigationKey];

export function useNavigation(): Navigation {
  const navigation = useContext(NavigationContext);
  if (!navigation) throw new Error("useNavigation outside a view (the double's render() provides one)");
  return navigation;
}

// ---------- components ----------

/** Renders a host element; props holding elements become named slots among its children. */
function host(type: string, slots: string[] = []) {
  const component = ({ children, ...props }: Props) => {
    const rendered = slots
      .filter((slot) => React.isValidElement(props[slot]))
      .map((slot) => createElement("slot", { key: `slot-${slot}`, name: slot }, props[slot] as ReactNode));
    const plain = Object.fromEntries(
      Object.entries(props).filter(([key]) => !rendered.some((r) => r.props.name === key)),
    );
    return createElement(type, plain, ...rendered, children);
  };
  component.displayName = type;
  return component;
}

export const ActionPanel = Object.assign(host("ActionPanel"), {
  Section: host("ActionPanel.Section"),
  Submenu: host("ActionPanel.Submenu"),
});

export const Action = Object.assign(host("Action"), {
  CopyToClipboard: host("Action.CopyToClipboard"),
  CreateQuicklink: host("Action.CreateQuicklink"),
  Open: host("Action.Open"),
  OpenInBrowser: host("Action.OpenInBrowser"),
  Paste: host("Action.Paste"),
  Push: host("Action.Push"),
  ShowInFinder: host("Action.ShowInFinder"),
  SubmitForm: host("Action.SubmitForm"),
  Trash: host("Action.Trash"),
  Style: { Regular: "regular", Destructive: "destructive" },
});

const listSlots = ["actions", "searchBarAccessory"];
export const List = Object.assign(host("List", listSlots), {
  Item: Object.assign(host("List.Item", ["actions", "detail"]), {
    Detail: Object.assign(host("List.Item.Detail", ["metadata"]), {
      Metadata: Object.assign(host("List.Item.Detail.Metadata"), {
        Label: host("List.Item.Detail.Metadata.Label"),
        Separator: host("List.Item.Detail.Metadata.Separator"),
        TagList: host("List.Item.Detail.Metadata.TagList"),
      }),
    }),
  }),
  Section: host("List.Section"),
  EmptyView: host("List.EmptyView", ["actions"]),
  Dropdown: Object.assign(host("List.Dropdown"), { Item: host("List.Dropdown.Item") }),
});

export const Detail = Object.assign(host("Detail", ["actions", "metadata"]), {
  Metadata: Object.assign(host("Detail.Metadata"), {
    Label: host("Detail.Metadata.Label"),
    Separator: host("Detail.Metadata.Separator"),
    Link: host("Detail.Metadata.Link"),
    TagList: Object.assign(host("Detail.Metadata.TagList"), { Item: host("Detail.Metadata.TagList.Item") }),
  }),
});

export const Form = Object.assign(host("Form", ["actions", "searchBarAccessory"]), {
  TextField: host("Form.TextField"),
  PasswordField: host("Form.PasswordField"),
  TextArea: host("Form.TextArea"),
  Checkbox: host("Form.Checkbox"),
  Dropdown: Object.assign(host("Form.Dropdown"), { Item: host("Form.Dropdown.Item") }),
  Description: host("Form.Description"),
  Separator: host("Form.Separator"),
  FilePicker: host("Form.FilePicker"),
});

export const MenuBarExtra = Object.assign(host("MenuBarExtra"), {
  Item: host("MenuBarExtra.Item"),
  Section: host("MenuBarExtra.Section"),
  Submenu: host("MenuBarExtra.Submenu"),
});

// ---------- not modeled: present because @raycast/utils imports them; sshmount never calls them ----------

function notModeled(name: string): never {
  throw new Error(`${name} is not modeled by the @raycast/api test double`);
}

export const AI = { ask: () => notModeled("AI.ask"), Model: {} };

export const OAuth = {
  PKCEClient: class {
    constructor() {
      notModeled("OAuth.PKCEClient");
    }
  },
  RedirectMethod: { Web: "web", App: "app", AppURI: "appURI" },
};
