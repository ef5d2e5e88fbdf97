/** Commander helpers for repeatable and comma-separated options. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const splitList = (value: string, previous: string[]): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
];
