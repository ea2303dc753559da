namespace Gen.Dsl;

/// <summary>Where the parts of a verified checkpoint file lie: offsets from the file's start, and lengths in bytes.</summary>
/// <param name="JsonOffset">The JSON document's offset.</param>
/// <param name="JsonLength">The JSON document's length.</param>
/// <param name="WeightsOffset">The weights' offset.</param>
/// <param name="WeightsLength">The weights' length.</param>
/// <param name="OptimizerOffset">The optimizer state's offset.</param>
/// <param name="OptimizerLength">The optimizer state's length; 0 when the checkpoint has none.</param>
internal sealed record CheckpointLayout(long JsonOffset, long JsonLength, long WeightsOffset, long WeightsLength, long OptimizerOffset, long OptimizerLength);
