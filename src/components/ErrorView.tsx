import { Detail, Icon, List } from "@raycast/api";
import { ErrorActions, type ErrorProps } from "./ErrorActions";

/** A failure as a page: what happened, what to do, ssh's own words, and the fix as actions. */
export function ErrorView({ error, onRetry }: ErrorProps) {
  const markdown = [`# ${error.message.split(": ")[0]}`, error.hint, "```", error.message, "```"].join("\n\n");
  return <Detail markdown={markdown} actions={<ErrorActions error={error} onRetry={onRetry} />} />;
}

/** A list command whose data could not be loaded: the failure and its fix in the empty view. */
export function ErrorList({ error, onRetry }: ErrorProps) {
  return (
    <List>
      <List.EmptyView
        icon={Icon.Warning}
        title={error.message}
        description={error.hint}
        actions={<ErrorActions error={error} onRetry={onRetry} />}
      />
    </List>
  );
}
