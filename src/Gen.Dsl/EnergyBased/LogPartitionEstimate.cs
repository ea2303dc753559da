namespace Gen.Dsl;

/// <summary>An estimate of log Z (<see cref="AnnealedImportanceSampling.Estimate"/>).</summary>
/// <param name="LogZ">The estimate of log Z.</param>
/// <param name="StandardError">Its standard error (delta method over the chains' weights).</param>
/// <param name="LogWeights">Each chain's log-weight [chains], for diagnostics (a few dominant weights mean too few temperatures).</param>
public sealed record LogPartitionEstimate(double LogZ, double StandardError, TorchSharp.torch.Tensor LogWeights);
