import { CheckSetupView } from "./components/CheckSetupView";

/** Check Setup: the doctor report, each check with its verdict and its fix as actions. */
export default function Command() {
  return <CheckSetupView />;
}
