// Testing Library unmounts after each test by itself only where vitest's globals are on (they are not here).
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(cleanup);
