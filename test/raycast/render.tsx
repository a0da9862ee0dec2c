/**
 * Renders a Raycast command into a tree of plain nodes with react-reconciler, keeps Raycast's
 * navigation stack, and performs actions the way Raycast does (copy, open, push, submit). Tests read
 * the tree and trigger actions by title; every side effect lands in the double's store.
 */
import { setTimeout as sleep } from "node:timers/promises";
import React, { Fragment, useMemo, useState, type ReactElement, type ReactNode } from "react";
import Reconciler from "react-reconciler";
import { Clipboard, NavigationContext, open, showInFinder, store, type Navigation } from "./api";

export interface Node {
  type: string;
  props: Record<string, unknown>;
  children: Node[];
  text?: string;
}

type Container = { children: Node[] };

function createNode(type: string, props: Record<string, unknown>): Node {
  return { type, props: Object.fromEntries(Object.entries(props).filter(([key]) => key !== "children")), children: [] };
}

function remove(list: Node[], node: Node) {
  const index = list.indexOf(node);
  if (index >= 0) list.splice(index, 1);
}

function insertBefore(list: Node[], node: Node, before: Node) {
  remove(list, node);
  list.splice(list.indexOf(before), 0, node);
}

let updatePriority = 0;

/** The mutation host config of react-reconciler 0.31 (React 19.0), with nothing but a tree behind it. */
const reconciler = Reconciler({
  supportsMutation: true,
  supportsPersistence: false,
  supportsHydration: false,
  isPrimaryRenderer: true,
  noTimeout: -1,
  scheduleTimeout: setTimeout,
  cancelTimeout: clearTimeout,
  createInstance: (type: string, props: Record<string, unknown>) => createNode(type, props),
  createTextInstance: (text: string) => ({ type: "#text", props: {}, children: [], text }),
  appendInitialChild: (parent: Node, child: Node) => void parent.children.push(child),
  appendChild: (parent: Node, child: Node) => {
    remove(parent.children, child);
    parent.children.push(child);
  },
  appendChildToContainer: (container: Container, child: Node) => {
    remove(container.children, child);
    container.children.push(child);
  },
  insertBefore: (parent: Node, child: Node, before: Node) => insertBefore(parent.children, child, before),
  insertInContainerBefore: (container: Container, child: Node, before: Node) =>
    insertBefore(container.children, child, before),
  removeChild: (parent: Node, child: Node) => remove(parent.children, child),
  removeChildFromContainer: (container: Container, child: Node) => remove(container.children, child),
  clearContainer: (container: Container) => void container.children.splice(0),
  commitUpdate: (node: Node, _type: string, _old: unknown, props: Record<string, unknown>) => {
    node.props = createNode(node.type, props).props;
  },
  commitTextUpdate: (node: Node, _old: string, text: string) => void (node.text = text),
  finalizeInitialChildren: () => false,
  shouldSetTextContent: () => false,
  getRootHostContext: () => ({}),
  getChildHostContext: (context: object) => context,
  // What a ref to a Form field gets in Raycast: focus() and reset().
  getPublicInstance: (node: Node) => ({
    focus: () => void (node.props = { ...node.props, focused: true }),
    reset: () => undefined,
  }),
  prepareForCommit: () => null,
  resetAfterCommit: () => undefined,
  preparePortalMount: () => undefined,
  detachDeletedInstance: () => undefined,
  hideInstance: () => undefined,
  unhideInstance: () => undefined,
  hideTextInstance: () => undefined,
  unhideTextInstance: () => undefined,
  resetTextContent: () => undefined,
  commitMount: () => undefined,
  getInstanceFromNode: () => null,
  beforeActiveInstanceBlur: () => undefined,
  afterActiveInstanceBlur: () => undefined,
  prepareScopeUpdate: () => undefined,
  getInstanceFromScope: () => null,
  setCurrentUpdatePriority: (priority: number) => void (updatePriority = priority),
  getCurrentUpdatePriority: () => updatePriority,
  resolveUpdatePriority: () => updatePriority || 32,
  shouldAttemptEagerTransition: () => false,
  trackSchedulerEvent: () => undefined,
  resolveEventType: () => null,
  resolveEventTimeStamp: () => -1.1,
  requestPostPaintCallback: () => undefined,
  maySuspendCommit: () => false,
  preloadInstance: () => true,
  startSuspendingCommit: () => undefined,
  suspendInstance: () => undefined,
  waitForCommitToBeReady: () => null,
  NotPendingTransition: null,
  HostTransitionContext: React.createContext(null),
  resetFormInstance: () => undefined,
} as unknown as Reconciler.HostConfig<
  string,
  Record<string, unknown>,
  Container,
  Node,
  Node,
  unknown,
  unknown,
  Node,
  object,
  unknown,
  unknown,
  unknown,
  unknown
>);

/**
 * Holds Raycast's navigation stack: the top element is what the user sees. The views under it stay
 * mounted, as in Raycast, where popping back finds a view as it was left and its effects keep running.
 */
function NavigationRoot({
  initial,
  expose,
  unloaded,
}: {
  initial: ReactNode;
  expose: (navigation: Navigation, depth: number) => void;
  unloaded: () => boolean;
}) {
  const [stack, setStack] = useState<ReactNode[]>([initial]);
  const navigation = useMemo<Navigation>(() => {
    // An unloaded command has no view left to push onto: a flow that still tries is a bug worth a failure.
    const live = () => {
      if (unloaded()) throw new Error("navigation after the command was unloaded");
    };
    return {
      push: (element) => {
        live();
        setStack((current) => [...current, element]);
      },
      pop: () => {
        live();
        setStack((current) => (current.length > 1 ? current.slice(0, -1) : current));
      },
    };
  }, [unloaded]);
  expose(navigation, stack.length);
  return (
    <NavigationContext.Provider value={navigation}>
      {stack.map((element, index) => (
        <Fragment key={index}>{element}</Fragment>
      ))}
    </NavigationContext.Provider>
  );
}

function walk(node: Node, visit: (node: Node) => void) {
  visit(node);
  node.children.forEach((child) => walk(child, visit));
}

function findAll(root: Node, predicate: (node: Node) => boolean): Node[] {
  const found: Node[] = [];
  walk(root, (node) => predicate(node) && found.push(node));
  return found;
}

const actionTypes = /^Action(\.|$)/;
const formFields = /^Form\.(TextField|PasswordField|TextArea|Checkbox|Dropdown|FilePicker)$/;

export interface Ui {
  /** The view on top of the navigation stack. */
  view(): Node;
  depth(): number;
  findAll(type: string, predicate?: (node: Node) => boolean): Node[];
  /** Titles of the List items the user sees (after Raycast's own filtering by the search text). */
  itemTitles(): string[];
  item(title: string): Node;
  /** Titles of the actions in `scope` (an item; the view's own action panel otherwise), in order. */
  actionTitles(scope?: Node): string[];
  /**
   * Each action's title and the shortcut it declares, in order: the first is Raycast's primary (↵), the
   * second its secondary (⌘↵), which take no shortcut of their own.
   */
  actionShortcuts(scope?: Node): { title: string; shortcut?: unknown }[];
  /** Performs the action titled `title` in `scope`, as a click or its shortcut would. */
  action(title: string, scope?: Node): Promise<void>;
  search(text: string): Promise<void>;
  /** Sets a form field as typing would (its onChange runs). */
  setField(id: string, value: unknown): Promise<void>;
  formValues(): Record<string, unknown>;
  /**
   * What a List shows when none of its items is visible (none given, or none matches the search): the
   * command's List.EmptyView, else Raycast's own "No Results". Undefined while items are visible.
   */
  emptyView(): { title: string; description?: string } | undefined;
  /** Waits until `check` passes (it throws until then), as async hooks settle. */
  waitFor<T>(check: () => T, timeoutMs?: number): Promise<T>;
  /** Esc on a pushed view: it is popped (and unmounts), the view under it shows again. */
  back(): Promise<void>;
  /**
   * What Raycast does when the user leaves for root search: the command's whole tree unmounts and
   * every effect's cleanup runs, before the call returns.
   */
  unmount(): void;
}

export async function render(element: ReactElement): Promise<Ui> {
  const container: Container = { children: [] };
  // The 0.31 runtime takes error callbacks its published types do not list yet.
  const createContainer = reconciler.createContainer as unknown as (...args: unknown[]) => Reconciler.OpaqueRoot;
  const root = createContainer(
    container,
    0,
    null,
    false,
    null,
    "",
    (error: unknown) => {
      throw error;
    },
    () => undefined,
    () => undefined,
    null,
  );
  let navigation: Navigation | undefined;
  let depth = 0;
  let unloaded = false;
  const isUnloaded = () => unloaded;
  let searchText = "";
  const fieldValues = new Map<string, unknown>();
  reconciler.updateContainer(
    <NavigationRoot
      initial={element}
      unloaded={isUnloaded}
      expose={(nav, stackDepth) => {
        navigation = nav;
        depth = stackDepth;
      }}
    />,
    root,
    null,
    () => undefined,
  );
  await settle();

  const view = () => {
    const top = container.children.at(-1);
    if (!top) throw new Error("nothing rendered");
    return top;
  };

  const actionsIn = (scope: Node) => findAll(scope, (node) => actionTypes.test(node.type));
  const ownActions = (node: Node): Node[] => {
    const slot = node.children.find((child) => child.type === "slot" && child.props.name === "actions");
    return slot ? actionsIn(slot) : [];
  };
  const defaultScope = (): Node => {
    const top = view();
    if (top.type !== "List") return top;
    const empty = findAll(top, (node) => node.type === "List.EmptyView");
    return visibleItems().length === 0 && empty.length ? empty[0] : top;
  };
  const visibleItems = () => {
    const top = view();
    const items = findAll(top, (node) => node.type === "List.Item");
    // Raycast filters by title and keywords unless the command takes the search text itself.
    if (top.type !== "List" || top.props.onSearchTextChange || top.props.filtering === false || !searchText) {
      return items;
    }
    const needle = searchText.toLowerCase();
    return items.filter((item) =>
      [item.props.title, ...((item.props.keywords as string[]) ?? [])].some((text) =>
        String(text).toLowerCase().includes(needle),
      ),
    );
  };
  const formValues = () =>
    Object.fromEntries(
      findAll(view(), (node) => formFields.test(node.type)).map((field) => {
        const id = String(field.props.id);
        // A controlled field (useForm's itemProps) shows its value prop, whatever was typed into it before.
        const value =
          field.props.value !== undefined
            ? field.props.value
            : fieldValues.has(id)
              ? fieldValues.get(id)
              : (field.props.defaultValue ?? (field.type === "Form.Checkbox" ? false : ""));
        return [id, value];
      }),
    );

  const ui: Ui = {
    view,
    depth: () => depth,
    findAll: (type, predicate = () => true) => findAll(view(), (node) => node.type === type && predicate(node)),
    itemTitles: () => visibleItems().map((item) => String(item.props.title)),
    item: (title) => {
      const match = visibleItems().find((item) => item.props.title === title);
      if (!match) throw new Error(`no item "${title}" among ${JSON.stringify(ui.itemTitles())}`);
      return match;
    },
    actionTitles: (scope) => {
      const actions = scope ? ownActions(scope) : ownActions(defaultScope());
      return actions.map((action) => String(action.props.title));
    },
    actionShortcuts: (scope) =>
      ownActions(scope ?? defaultScope()).map((action) => ({
        title: String(action.props.title),
        ...(action.props.shortcut ? { shortcut: action.props.shortcut } : {}),
      })),
    action: async (title, scope) => {
      const actions = ownActions(scope ?? defaultScope());
      const action = actions.find((candidate) => candidate.props.title === title);
      if (!action) {
        throw new Error(`no action "${title}" among ${JSON.stringify(actions.map((a) => a.props.title))}`);
      }
      const props = action.props as Record<string, unknown>;
      const call = async (name: string, ...args: unknown[]) =>
        (props[name] as ((...values: unknown[]) => unknown) | undefined)?.(...args);
      switch (action.type) {
        case "Action.CopyToClipboard":
          await Clipboard.copy(String(props.content));
          await call("onCopy", props.content);
          break;
        case "Action.Open":
          await open(String(props.target), props.application as string | undefined);
          await call("onOpen", props.target);
          break;
        case "Action.ShowInFinder":
          await showInFinder(String(props.path));
          break;
        case "Action.Push":
          navigation?.push(props.target as ReactNode);
          await call("onPush");
          break;
        case "Action.SubmitForm":
          await call("onSubmit", formValues());
          break;
        default:
          await call("onAction");
      }
      await settle();
    },
    search: async (text) => {
      searchText = text;
      const top = view();
      (top.props.onSearchTextChange as ((text: string) => void) | undefined)?.(text);
      await settle();
    },
    setField: async (id, value) => {
      const field = findAll(view(), (node) => formFields.test(node.type) && node.props.id === id)[0];
      if (!field) throw new Error(`no form field "${id}"`);
      fieldValues.set(id, value);
      (field.props.onChange as ((value: unknown) => void) | undefined)?.(value);
      await settle();
    },
    emptyView: () => {
      if (view().type !== "List" || visibleItems().length > 0) return undefined;
      // developers.raycast.com, List.EmptyView: "Raycast provides a default EmptyView that will be displayed
      // if the List component either has no children, or if it has children, but none of them match the query
      // in the search bar. This too can be overridden by passing an empty view alongside the other List.Items."
      const [custom] = findAll(view(), (node) => node.type === "List.EmptyView");
      if (!custom) return { title: "No Results" };
      const { title, description } = custom.props as { title: string; description?: string };
      return { title, ...(description ? { description } : {}) };
    },
    formValues,
    waitFor,
    back: async () => {
      if (depth < 2) throw new Error("Esc on the command's first view leaves the command: use unmount()");
      navigation?.pop();
      await settle();
    },
    unmount: () => {
      unloaded = true;
      // Synchronously, cleanups included; the 0.31 runtime has these two, its published types not yet.
      const sync = reconciler as unknown as {
        updateContainerSync: typeof reconciler.updateContainer;
        flushSyncWork: () => void;
      };
      sync.updateContainerSync(null, root, null, () => undefined);
      sync.flushSyncWork();
      reconciler.flushPassiveEffects();
    },
  };
  return ui;
}

/** Retries `check` (an expectation that throws until it holds) for up to `timeoutMs`. */
export async function waitFor<T>(check: () => T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(10);
    }
  }
}

/** Lets pending promises and the renders they cause run. */
async function settle() {
  for (let i = 0; i < 5; i++) await sleep(0);
}

export { store };
