// The parts of jstat (which ships no types) that the impact estimate and its tests use.
declare module "jstat" {
  const jstat: {
    studentt: { cdf(x: number, dof: number): number; inv(p: number, dof: number): number };
    gamma: { sample(shape: number, scale: number): number };
    poisson: { sample(lambda: number): number };
  };
  export default jstat;
}
