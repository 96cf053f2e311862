/**
 * The seat rule, pure: a course without a capacity never fills; otherwise a person gets a seat while fewer
 * than `capacity` are enrolled, and goes to the waitlist after. Enrollment (one person, placeInTx and the
 * waitlist promotion) and roster import (many people in file order, and its preview) all count with it.
 */
import type { EnrollmentStatus } from "../../db/schema";

/** Seats still free with `enrolled` people seated: Infinity without a capacity, never below 0. */
export function freeSeats(capacity: number | null, enrolled: number): number {
  return capacity == null ? Infinity : Math.max(0, capacity - enrolled);
}

/** Where the next person goes with `enrolled` people seated: a seat, or the waitlist when the course is full. */
export function nextPlace(capacity: number | null, enrolled: number): Extract<EnrollmentStatus, "enrolled" | "waitlisted"> {
  return freeSeats(capacity, enrolled) > 0 ? "enrolled" : "waitlisted";
}

/**
 * Places people one after another (file order): each call answers where the next one goes and counts the
 * seat it takes.
 */
export function seatAllocator(capacity: number | null, enrolled: number): () => Extract<EnrollmentStatus, "enrolled" | "waitlisted"> {
  let seated = enrolled;
  return () => {
    const place = nextPlace(capacity, seated);
    if (place === "enrolled") seated++;
    return place;
  };
}
