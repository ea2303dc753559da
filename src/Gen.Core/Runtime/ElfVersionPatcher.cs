using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Gen.Runtime;

/// <summary>
/// Reads the symbol-version requirements of a 64-bit little-endian ELF shared object and marks
/// chosen ones weak.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> was linked against GCC 13's libstdc++ and so requires the
/// version <c>GLIBCXX_3.4.32</c>, through a single marker symbol (<c>std::ios_base_library_init</c>) that
/// no relocation refers to. GCC 12 runtimes (Debian 12, Ubuntu 22.04) lack that version and the loader
/// refuses the whole library. A requirement flagged <c>VER_FLG_WEAK</c> may be absent, and since nothing
/// binds a symbol of that version, the library then behaves exactly as built. The patch changes one
/// 16-bit field per weakened version and nothing else, and it refuses any version that a relocation
/// actually uses, since weakening that one would trade a load error for a crash later.
/// </remarks>
public static class ElfVersionPatcher
{
    private const ushort VerFlagWeak = 0x2;
    private const uint ShtRela = 4;
    private const uint ShtRel = 9;
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;

    /// <summary>Lists every version requirement of the ELF image.</summary>
    /// <param name="elf">The whole file.</param>
    /// <exception cref="FormatException">The bytes are not a well-formed 64-bit little-endian ELF file.</exception>
    public static IReadOnlyList<ElfVersionRequirement> ReadRequirements(ReadOnlySpan<byte> elf)
    {
        var sections = ReadSections(elf);
        var verneed = sections.FirstOrDefault(s => s.Type == ShtGnuVerneed);
        if (verneed.Type != ShtGnuVerneed)
        {
            return Array.Empty<ElfVersionRequirement>();
        }

        var strtab = Section(sections, verneed.Link, "the string table of .gnu.version_r");
        var bound = BoundVersionIndices(elf, sections);
        var result = new List<ElfVersionRequirement>();
        long entry = verneed.Offset;
        for (uint i = 0; i < verneed.Info; i++)
        {
            Require(elf, entry, 16, ".gnu.version_r entry");
            ushort count = U16(elf, entry + 2);
            string file = CString(elf, strtab, U32(elf, entry + 4));
            long aux = entry + U32(elf, entry + 8);
            for (int j = 0; j < count; j++)
            {
                Require(elf, aux, 16, ".gnu.version_r auxiliary entry");
                ushort flags = U16(elf, aux + 4);
                ushort index = U16(elf, aux + 6);
                string name = CString(elf, strtab, U32(elf, aux + 8));
                result.Add(new ElfVersionRequirement(file, name, (flags & VerFlagWeak) != 0, bound.Contains(index), aux + 4));
                uint nextAux = U32(elf, aux + 12);
                if (nextAux == 0)
                {
                    break;
                }

                aux += nextAux;
            }

            uint next = U32(elf, entry + 12);
            if (next == 0)
            {
                break;
            }

            entry += next;
        }

        return result;
    }

    /// <summary>
    /// Returns a copy of the ELF image in which the named version requirements are marked weak.
    /// Every other byte is unchanged. Versions already weak are left as they are.
    /// </summary>
    /// <param name="elf">The whole file.</param>
    /// <param name="versions">Version names to weaken, for example <c>GLIBCXX_3.4.32</c>.</param>
    /// <exception cref="FormatException">The bytes are not a well-formed 64-bit little-endian ELF file.</exception>
    /// <exception cref="InvalidOperationException">A named version is not required by the file, or a relocation binds one of its symbols.</exception>
    public static byte[] WeakenVersions(ReadOnlySpan<byte> elf, IEnumerable<string> versions)
    {
        var requirements = ReadRequirements(elf);
        var patched = elf.ToArray();
        foreach (var version in versions.Distinct(StringComparer.Ordinal))
        {
            var matches = requirements.Where(r => r.Version == version).ToList();
            if (matches.Count == 0)
            {
                throw new InvalidOperationException($"The library does not require the symbol version '{version}', so there is nothing to weaken.");
            }

            foreach (var requirement in matches)
            {
                if (requirement.IsBound)
                {
                    throw new InvalidOperationException(
                        $"The symbol version '{version}' from {requirement.File} is used by a relocation; marking it weak would only move the failure to the first call.");
                }

                var span = patched.AsSpan((int)requirement.FlagsOffset, 2);
                BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(span) | VerFlagWeak));
            }
        }

        return patched;
    }

    private readonly record struct SectionHeader(uint Type, long Offset, long Size, uint Link, uint Info, long EntrySize);

    private static List<SectionHeader> ReadSections(ReadOnlySpan<byte> elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new FormatException("Not an ELF file: the first four bytes are not 0x7F 'E' 'L' 'F'.");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new FormatException($"Only 64-bit little-endian ELF files are supported (class {elf[4]}, data encoding {elf[5]}).");
        }

        long shoff = (long)U64(elf, 0x28);
        ushort shentsize = U16(elf, 0x3A);
        ushort shnum = U16(elf, 0x3C);
        if (shoff == 0 || shnum == 0)
        {
            throw new FormatException("The ELF file has no section headers.");
        }

        if (shentsize < 64)
        {
            throw new FormatException($"The ELF section header size {shentsize} is smaller than 64 bytes.");
        }

        var list = new List<SectionHeader>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + ((long)i * shentsize);
            Require(elf, h, 64, "section header");
            var s = new SectionHeader(U32(elf, h + 4), (long)U64(elf, h + 24), (long)U64(elf, h + 32), U32(elf, h + 40), U32(elf, h + 44), (long)U64(elf, h + 56));
            if (s.Type != 8 /* SHT_NOBITS */ && s.Size > 0)
            {
                Require(elf, s.Offset, s.Size, $"section {i}");
            }

            list.Add(s);
        }

        return list;
    }

    // Version indices (as in .gnu.version) of the dynamic symbols that some relocation refers to.
    private static HashSet<ushort> BoundVersionIndices(ReadOnlySpan<byte> elf, List<SectionHeader> sections)
    {
        var result = new HashSet<ushort>();
        int dynsymIndex = sections.FindIndex(s => s.Type == ShtDynsym);
        var versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        if (dynsymIndex < 0 || versym.Type != ShtGnuVersym)
        {
            return result;
        }

        long symbolCount = versym.Size / 2;
        foreach (var rel in sections.Where(s => (s.Type == ShtRela || s.Type == ShtRel) && s.Link == dynsymIndex))
        {
            long size = rel.EntrySize > 0 ? rel.EntrySize : (rel.Type == ShtRela ? 24 : 16);
            for (long at = rel.Offset; at + size <= rel.Offset + rel.Size; at += size)
            {
                long symbol = (long)(U64(elf, at + 8) >> 32);
                if (symbol > 0 && symbol < symbolCount)
                {
                    result.Add((ushort)(U16(elf, versym.Offset + (symbol * 2)) & 0x7fff));
                }
            }
        }

        return result;
    }

    private static SectionHeader Section(List<SectionHeader> sections, uint index, string what)
    {
        if (index >= sections.Count)
        {
            throw new FormatException($"The ELF file names section {index} as {what}, but it has only {sections.Count} sections.");
        }

        return sections[(int)index];
    }

    private static string CString(ReadOnlySpan<byte> elf, SectionHeader strtab, uint offset)
    {
        if (offset >= strtab.Size)
        {
            throw new FormatException($"String offset {offset} lies outside the string table ({strtab.Size} bytes).");
        }

        var rest = elf.Slice((int)(strtab.Offset + offset), (int)(strtab.Size - offset));
        int end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw new FormatException("Unterminated string in the ELF string table.");
        }

        return Encoding.ASCII.GetString(rest[..end]);
    }

    private static void Require(ReadOnlySpan<byte> elf, long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset + length > elf.Length)
        {
            throw new FormatException($"The ELF {what} at offset {offset} (+{length} bytes) lies outside the file ({elf.Length} bytes): the file is truncated or corrupt.");
        }
    }

    private static ushort U16(ReadOnlySpan<byte> b, long at)
    {
        Require(b, at, 2, "field");
        return BinaryPrimitives.ReadUInt16LittleEndian(b.Slice((int)at, 2));
    }

    private static uint U32(ReadOnlySpan<byte> b, long at)
    {
        Require(b, at, 4, "field");
        return BinaryPrimitives.ReadUInt32LittleEndian(b.Slice((int)at, 4));
    }

    private static ulong U64(ReadOnlySpan<byte> b, long at)
    {
        Require(b, at, 8, "field");
        return BinaryPrimitives.ReadUInt64LittleEndian(b.Slice((int)at, 8));
    }
}
