import { InvalidArgumentError } from 'commander';

/** Commander helpers for repeatable and comma-separated options. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const splitList = (value: string, previous: string[]): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
];

/** `--forks 5`: a whole number of 1 or more (commander reports anything else as a bad option, exit 5). */
export const positiveInteger = (value: string): number => {
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError('expected a whole number of 1 or more.');
  }
  return Number(value);
};

/** `--timeout 2.5`: a number above 0. */
export const positiveNumber = (value: string): number => {
  const number = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a number above 0.');
  return number;
};
