import { Detail, Icon, List } from "@raycast/api";
import { ErrorActions, type ErrorProps } from "./ErrorActions";

/** A failure as a page: what happened, what to do, ssh's own words, and the fix as actions. */
export function ErrorView(props: ErrorProps) {
  const { error } = props;
  const markdown = [`# ${error.title}`, error.hint, ...(error.detail ? ["```", error.detail, "```"] : [])].join("\n\n");
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
