import { Action, ActionPanel, Color, Icon, Keyboard, List } from "@raycast/api";
import { usePromise } from "@raycast/utils";
import type { ReactNode } from "react";
import { doctor, INSTALL_CONNECTOR, type DoctorReport } from "../../helper";
import { helperOptions } from "../lib/helper-options";
import { EngineActions } from "./EngineActions";

interface Check {
  title: string;
  /** False: something to fix; undefined: nothing to judge yet (built or created on the first mount). */
  ok?: boolean;
  verdict: string;
  fix?: string;
  actions?: ReactNode;
}

/** The doctor report as checks, one verdict and fix each; the same lines make the copied report. */
function checksOf(report: DoctorReport): Check[] {
  const { docker, reach } = report;
  const checks: Check[] = [
    { title: "Platform", ok: true, verdict: `${report.platform}, Node ${report.node}` },
    report.ssh.ok
      ? { title: "OpenSSH", ok: true, verdict: report.ssh.version ?? "available" }
      : { title: "OpenSSH", ok: false, verdict: `Not available: ${report.ssh.error}`, fix: "Install OpenSSH." },
    docker.ok
      ? {
          title: "Docker Engine",
          ok: true,
          verdict: `${docker.runtimeDescription ?? docker.operatingSystem} ${docker.version} at ${docker.endpoint?.host}`,
        }
      : {
          title: "Docker Engine",
          ok: false,
          verdict: docker.error?.title ?? "Not available",
          fix: docker.error?.hint,
          actions: <EngineActions />,
        },
  ];
  if (!docker.ok) return checks;
  checks.push(
    report.image.present
      ? { title: "Mount Image", ok: true, verdict: `${report.image.tag} is built` }
      : { title: "Mount Image", verdict: `${report.image.tag} is built on the first mount` },
    report.network.exists
      ? { title: "Network", ok: true, verdict: `${report.network.name} exists` }
      : { title: "Network", verdict: `${report.network.name} is created on the first mount` },
  );
  if (!reach) {
    checks.push({ title: "Reach", verdict: "No running mount to check", fix: "Mount a host, then press Refresh." });
    return checks;
  }
  const bridge = reach.connection.mode === "bridge";
  checks.push({
    title: "Reach",
    ok: bridge,
    verdict: `${reach.mount} at ${reach.ip}: route ${reach.route?.via ?? "unknown"}, port 445 ${reach.probe}; Finder uses the ${bridge ? "container IP" : "localhost port"}`,
    fix: reach.connection.reason,
    actions:
      reach.route?.via === "none" ? (
        <>
          <Action.OpenInBrowser title="Get OrbStack" url="https://orbstack.dev" />
          <Action.CopyToClipboard title="Copy Connector Install Commands" content={INSTALL_CONNECTOR.join("\n")} />
        </>
      ) : undefined,
  });
  return checks;
}

function reportText(checks: Check[]): string {
  return checks.map((check) => `${check.title}: ${check.verdict}${check.fix ? `\n  ${check.fix}` : ""}`).join("\n");
}

const looks = {
  ok: { source: Icon.CheckCircle, tintColor: Color.Green },
  fix: { source: Icon.Warning, tintColor: Color.Orange },
  later: { source: Icon.Circle, tintColor: Color.SecondaryText },
};

/** What this Mac offers sshmount, check by check, with each fix as an action (the Check Setup command). */
export function CheckSetupView() {
  const { data, isLoading, revalidate } = usePromise(() => doctor(helperOptions(), "raycast"));
  const checks = data ? checksOf(data) : [];
  return (
    <List isLoading={isLoading} navigationTitle="Check Setup" isShowingDetail>
      {checks.map((check) => (
        <List.Item
          key={check.title}
          title={check.title}
          icon={check.ok === undefined ? looks.later : check.ok ? looks.ok : looks.fix}
          detail={<List.Item.Detail markdown={[check.verdict, ...(check.fix ? [check.fix] : [])].join("\n\n")} />}
          actions={
            <ActionPanel>
              {check.actions}
              <Action.CopyToClipboard
                title="Copy Report"
                content={reportText(checks)}
                shortcut={Keyboard.Shortcut.Common.Copy}
              />
              <Action
                title="Refresh"
                icon={Icon.ArrowClockwise}
                shortcut={Keyboard.Shortcut.Common.Refresh}
                onAction={revalidate}
              />
            </ActionPanel>
          }
        />
      ))}
    </List>
  );
}
