import { Action, ActionPanel, Form, Icon } from "@raycast/api";
import { useForm, usePromise } from "@raycast/utils";
import { useState } from "react";
import { describeError, validateMountName, type HostEntry } from "../../helper";
import { useMountFlow, type MountRequest } from "../hooks/useMountFlow";
import { preferences } from "../lib/helper-options";
import { needsPassword } from "../lib/last-mount";
import { forgetRecentPath, recentPaths } from "../lib/places";

interface Values {
  remotePath: string;
  name: string;
  password: string;
}

/** The form again, as an error page offers it (useMountFlow's FormFor). */
export const mountFormFor = (host: HostEntry, initial: MountRequest, askPassword: boolean) => (
  <MountForm host={host} initial={initial} askPassword={askPassword} />
);

/** The remote folder and an optional name; a password field only for hosts that take one. */
export function MountForm({
  host,
  askPassword = false,
  initial,
}: {
  host: HostEntry;
  askPassword?: boolean;
  initial?: MountRequest;
}) {
  const [passwordAsked, setPasswordAsked] = useState(askPassword);
  const { data: remembered } = usePromise(needsPassword, [host.alias]);
  const showPassword = passwordAsked || remembered === true;
  const run = useMountFlow(() => setPasswordAsked(true), mountFormFor);
  const { data: recents, revalidate: reloadRecents } = usePromise(recentPaths, [host.alias]);
  const { handleSubmit, itemProps, setValue } = useForm<Values>({
    initialValues: {
      remotePath: initial?.remotePath ?? preferences().defaultRemotePath,
      name: initial?.name ?? "",
      password: "",
    },
    validation: {
      name: (value) => {
        if (!value) return undefined;
        try {
          validateMountName(value);
        } catch (error) {
          return describeError(error).message;
        }
      },
      password: (value) => (showPassword && !value ? `${host.alias} needs a password` : undefined),
    },
    onSubmit: (values) =>
      run(host, { remotePath: values.remotePath, name: values.name, password: showPassword ? values.password : "" }),
  });
  return (
    <Form
      navigationTitle={`Mount ${host.alias}`}
      actions={
        <ActionPanel>
          <Action.SubmitForm title="Mount" icon={Icon.HardDrive} onSubmit={handleSubmit} />
          {recents && recents.length > 0 && (
            <ActionPanel.Submenu title="Forget Recent Path" icon={Icon.Trash}>
              {recents.map((path) => (
                <Action
                  key={path}
                  title={path}
                  onAction={() => forgetRecentPath(host.alias, path).then(reloadRecents)}
                />
              ))}
            </ActionPanel.Submenu>
          )}
        </ActionPanel>
      }
    >
      <Form.Description title="Host" text={`${host.user}@${host.hostName}:${host.port}`} />
      <Form.TextField title="Remote Path" placeholder="~ (your home folder)" {...itemProps.remotePath} />
      {recents && recents.length > 0 && (
        <Form.Dropdown
          id="recentPath"
          title="Recent Paths"
          info={`Folders mounted before on ${host.alias}, the latest first: choosing one fills in Remote Path.`}
          defaultValue=""
          onChange={(path) => path && setValue("remotePath", path)}
        >
          <Form.Dropdown.Item value="" title="Choose a Folder Mounted Before" />
          {recents.map((path) => (
            <Form.Dropdown.Item key={path} value={path} title={path} />
          ))}
        </Form.Dropdown>
      )}
      <Form.TextField title="Name" placeholder={`${host.alias} (the share's name in Finder)`} {...itemProps.name} />
      {showPassword && <Form.PasswordField title="Password" {...itemProps.password} />}
    </Form>
  );
}
