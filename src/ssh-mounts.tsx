import { Icon, Keyboard, MenuBarExtra } from "@raycast/api";
import { useCachedPromise } from "@raycast/utils";
import { useState } from "react";
import { describeError, list } from "../helper";
import { MountMenu } from "./components/MountMenu";
import { helperOptions } from "./lib/helper-options";
import { checkSetup, mountSshHost, showMounts } from "./lib/launch";
import { reconnectAllWithToast } from "./lib/mount-actions";
import { menuBarLook } from "./lib/mount-status";
import { mountPlace, pinnedPlaces, placeTarget, type Place } from "./lib/places";

/**
 * SSH Mounts in the menu bar. Raycast runs it on its interval and when the menu opens, so each run reads
 * the mounts once (the helper's list) and starts nothing by itself. It stays loaded (isLoading) until
 * that read and any item's work are done: Raycast unloads a menu-bar command once isLoading is false.
 */
export default function Command() {
  const { data, isLoading, error, revalidate } = useCachedPromise(() => list(helperOptions()), [], {
    keepPreviousData: true,
    // The menu shows a failure itself; a toast (a HUD, with no window) on every refresh would interrupt.
    onError: () => undefined,
  });
  // LocalStorage only: the pins cost no engine call, so the refresh still reads the engine once.
  const pins = useCachedPromise(pinnedPlaces, [], { keepPreviousData: true });
  const [working, setWorking] = useState(0);
  const run = (work: () => Promise<unknown>) => {
    setWorking((count) => count + 1);
    void work().finally(() => {
      revalidate();
      setWorking((count) => count - 1);
    });
  };
  const mounts = data ?? [];
  const mountedAt = (target: Place) =>
    mounts.some((mount) => mount.status !== "stopped" && placeTarget(mount) === placeTarget(target));
  const failure = error ? describeError(error, "raycast") : undefined;
  const { icon, tooltip } = menuBarLook(mounts, failure?.message);

  return (
    <MenuBarExtra icon={icon} tooltip={tooltip} isLoading={isLoading || pins.isLoading || working > 0}>
      {failure && (
        <MenuBarExtra.Section>
          <MenuBarExtra.Item title={failure.message} tooltip={failure.hint} icon={Icon.Warning} />
          <MenuBarExtra.Item title="Check Setup" icon={Icon.Heartbeat} onAction={() => run(checkSetup)} />
        </MenuBarExtra.Section>
      )}
      <MenuBarExtra.Section title="Mounts">
        {!failure && !isLoading && mounts.length === 0 && <MenuBarExtra.Item title="No Mounts" />}
        {mounts.map((mount) => (
          <MountMenu key={mount.name} mount={mount} run={run} />
        ))}
      </MenuBarExtra.Section>
      {(pins.data ?? []).length > 0 && (
        <MenuBarExtra.Section title="Pinned">
          {(pins.data ?? []).map((target) => (
            <MenuBarExtra.Item
              key={placeTarget(target)}
              title={placeTarget(target)}
              icon={Icon.Tack}
              subtitle={mountedAt(target) ? "Mounted" : undefined}
              tooltip={`Mount ${placeTarget(target)} and open it in Finder`}
              onAction={() => run(() => mountPlace(target))}
            />
          ))}
        </MenuBarExtra.Section>
      )}
      <MenuBarExtra.Section>
        {mounts.length > 0 && (
          <MenuBarExtra.Item title="Reconnect All" icon={Icon.Finder} onAction={() => run(reconnectAllWithToast)} />
        )}
        <MenuBarExtra.Item
          title="Open List Mounts"
          icon={Icon.List}
          shortcut={Keyboard.Shortcut.Common.Open}
          onAction={() => run(() => showMounts())}
        />
        <MenuBarExtra.Item
          title="Mount SSH Host"
          icon={Icon.Plus}
          shortcut={Keyboard.Shortcut.Common.New}
          onAction={() => run(mountSshHost)}
        />
      </MenuBarExtra.Section>
    </MenuBarExtra>
  );
}
