namespace Gen.Dsl;

/// <summary>A kernel distance (<see cref="KernelDistance"/>): the mean over subsets and their spread.</summary>
/// <param name="Mean">The mean unbiased MMD² over the subsets: the kernel distance.</param>
/// <param name="StandardDeviation">The standard deviation of the subsets' values (NaN for one subset); the mean's standard error is this over √<paramref name="Subsets"/> only approximately, since subsets overlap.</param>
/// <param name="Subsets">How many subsets were averaged.</param>
/// <param name="SubsetSize">Examples per subset from each set.</param>
public sealed record KernelDistanceResult(double Mean, double StandardDeviation, int Subsets, long SubsetSize);
