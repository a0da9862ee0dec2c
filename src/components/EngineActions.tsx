import { Action, getApplications, Icon } from "@raycast/api";
import { usePromise } from "@raycast/utils";

const engineApps = [
  { bundleId: "dev.kdrag0n.MacVirt", title: "Open OrbStack" },
  { bundleId: "com.docker.docker", title: "Open Docker Desktop" },
];

/** OrbStack and Docker Desktop when installed (the fix for "no Docker engine" is one action away), else OrbStack's site. */
export function EngineActions() {
  const { data, isLoading } = usePromise(getApplications);
  if (isLoading) return null;
  const installed = engineApps.flatMap((engine) => {
    const app = (data ?? []).find((candidate) => candidate.bundleId === engine.bundleId);
    return app ? [{ ...engine, path: app.path }] : [];
  });
  if (installed.length === 0) return <Action.OpenInBrowser title="Get OrbStack" url="https://orbstack.dev" />;
  return (
    <>
      {installed.map((app) => (
        <Action.Open key={app.bundleId} title={app.title} icon={Icon.Play} target={app.path} />
      ))}
    </>
  );
}
