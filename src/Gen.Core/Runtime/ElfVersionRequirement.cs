namespace Gen.Runtime;

/// <summary>
/// One symbol-version requirement of an ELF shared object (an entry of its <c>.gnu.version_r</c> section),
/// for example <c>GLIBCXX_3.4.32</c> from <c>libstdc++.so.6</c>.
/// </summary>
/// <param name="File">The library the version is required from.</param>
/// <param name="Version">The version name.</param>
/// <param name="IsWeak">Whether the requirement is marked weak (<c>VER_FLG_WEAK</c>): the loader then accepts its absence.</param>
/// <param name="IsBound">Whether any relocation refers to a symbol of this version, so the loader would have to bind it.</param>
/// <param name="FlagsOffset">File offset of the entry's <c>vna_flags</c> field.</param>
public readonly record struct ElfVersionRequirement(string File, string Version, bool IsWeak, bool IsBound, long FlagsOffset);
