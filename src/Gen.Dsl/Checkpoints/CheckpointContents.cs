using System;

namespace Gen.Dsl;

/// <summary>The verified parts of a checkpoint file.</summary>
/// <param name="Json">The JSON document (UTF-8).</param>
/// <param name="Weights">The weights, in TorchSharp's state-dict format.</param>
/// <param name="Optimizer">The optimizer state, or null when the checkpoint has none.</param>
internal sealed record CheckpointContents(ArraySegment<byte> Json, ArraySegment<byte> Weights, ArraySegment<byte>? Optimizer);
