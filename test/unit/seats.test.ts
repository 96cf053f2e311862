import { freeSeats, nextPlace, seatAllocator } from "../../src/features/enrollment/seats";

describe("the seat rule", () => {
  it("counts free seats, never below zero, and without a capacity never runs out", () => {
    expect(freeSeats(30, 28)).toBe(2);
    expect(freeSeats(30, 30)).toBe(0);
    expect(freeSeats(30, 31)).toBe(0); // capacity lowered below those already seated
    expect(freeSeats(null, 500)).toBe(Infinity);
  });

  it("seats the next person while a seat is free, else waitlists them", () => {
    expect(nextPlace(2, 1)).toBe("enrolled");
    expect(nextPlace(2, 2)).toBe("waitlisted");
    expect(nextPlace(0, 0)).toBe("waitlisted");
    expect(nextPlace(null, 10_000)).toBe("enrolled");
  });

  it("places people in order: the free seats first, then the waitlist", () => {
    const place = seatAllocator(3, 1);
    expect([place(), place(), place(), place()]).toEqual(["enrolled", "enrolled", "waitlisted", "waitlisted"]);
    const open = seatAllocator(null, 0);
    expect([open(), open()]).toEqual(["enrolled", "enrolled"]);
  });
});
