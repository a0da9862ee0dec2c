import { Detail, Icon, List } from "@raycast/api";
import { ErrorActions, type ErrorProps } from "./ErrorActions";

/**
 * A failure as a page: what happened, what to do, ssh's own words, and the fix as actions. A command
 * to copy is shown as well, so the user reads what they are about to run.
 */
export function ErrorView(props: ErrorProps) {
  const { error } = props;
  const commands = error.actions.flatMap((action) => (action.type === "copy-command" ? [action.command] : []));
  const markdown = [
    `# ${error.title}`,
    error.hint,
    ...commands.map((command) => `Copy Command copies:\n\n\`\`\`\n${command}\n\`\`\``),
    ...(error.detail ? ["```", error.detail, "```"] : []),
  ].join("\n\n");
  return <Detail markdown={markdown} actions={<ErrorActions {...props} />} />;
}

/** A list command whose data could not be loaded: the failure and its fix in the empty view. */
export function ErrorList(props: ErrorProps) {
  return (
    <List>
      <List.EmptyView
        icon={Icon.Warning}
        title={props.error.title}
        description={props.error.hint}
        actions={<ErrorActions {...props} />}
      />
    </List>
  );
}
