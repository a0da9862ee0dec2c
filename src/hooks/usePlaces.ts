import { Alert, confirmAlert, showToast, Toast } from "@raycast/api";
import { usePromise } from "@raycast/utils";
import { pinnedPlaces, pinPlace, placeTarget, unpinAll, unpinPlace, type Place } from "../lib/places";

/**
 * The pinned places and the changes a screen (or a menu bar) makes to them; every change reads the store
 * again, so two commands open at once never undo each other's pins.
 */
export type Places = ReturnType<typeof usePlaces>;

export function usePlaces() {
  const { data, isLoading, revalidate } = usePromise(pinnedPlaces);
  const change = async (work: () => Promise<void>, title: string) => {
    await work();
    revalidate();
    await showToast({ style: Toast.Style.Success, title });
  };
  return {
    pins: data ?? [],
    isLoading,
    revalidate,
    pin: (target: Place) => change(() => pinPlace(target), `Pinned ${placeTarget(target)}`),
    unpin: (target: Place) => change(() => unpinPlace(target), `Unpinned ${placeTarget(target)}`),
    unpinAll: async () => {
      const confirmed = await confirmAlert({
        title: "Unpin All Places?",
        message: "Mount SSH Host forgets every pinned place; mounts and your ssh config stay as they are.",
        primaryAction: { title: "Unpin All", style: Alert.ActionStyle.Destructive },
      });
      if (confirmed) await change(unpinAll, "Unpinned all places");
    },
  };
}
