namespace Gen.Dsl;

/// <summary>One tensor of a checkpoint's weights, as its table describes it: the values are left in the file until loaded.</summary>
/// <param name="Name">The state-dict name, such as <c>net.linear0.weight</c>.</param>
/// <param name="Dtype">The element type.</param>
/// <param name="Shape">The sizes.</param>
/// <param name="Offset">Where the raw values start, from the start of the weights part.</param>
internal sealed record StateDictEntry(string Name, TorchSharp.torch.ScalarType Dtype, long[] Shape, long Offset);
