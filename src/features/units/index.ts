/** What other features use of units: the list of administrative units. */
export { listUnits } from "./units.service";
