namespace Gen.Examples;

/// <summary>A command-line option of an example: <c>--name value</c> (or <c>--name=value</c>).</summary>
/// <param name="Name">The name without dashes, for example "epochs".</param>
/// <param name="Value">What the value looks like, for example "N" or "moons|circles".</param>
/// <param name="Default">The default as text, shown by --help; null when it is computed (the description says how).</param>
/// <param name="Description">What it does.</param>
public sealed record OptionSpec(string Name, string Value, string? Default, string Description);
