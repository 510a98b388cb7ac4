/**
 * What an import says about a row or a family, in Indonesian and English (the report carries both,
 * like the validation rules' messages). The English message of a finding may add a detail.
 */
export const FINDING_MESSAGES: Record<string, { id: string; en: string }> = {
  NAME_MISSING: { id: 'Nama kosong', en: 'No name' },
  NAME_TOO_LONG: { id: 'Nama lebih dari 100 karakter', en: 'A name of more than 100 characters' },
  SEX_MISSING: { id: 'Jenis kelamin kosong', en: 'No sex' },
  SEX_FORMAT: { id: 'Jenis kelamin bukan L/P', en: 'Sex is not L/P' },
  DATE_MISSING: { id: 'Tanggal lahir kosong', en: 'No birth date' },
  DATE_FORMAT: { id: 'Tanggal lahir tidak terbaca (dd/mm/yyyy, yyyy-mm-dd, dd-mm-yy)', en: 'The birth date cannot be read (dd/mm/yyyy, yyyy-mm-dd, dd-mm-yy)' },
  DATE_INVALID: { id: 'Tanggal lahir tidak ada di kalender', en: 'The birth date is not a day of the calendar' },
  RELATIONSHIP_MISSING: { id: 'Hubungan dalam keluarga (SHDK) kosong', en: 'No relationship to the head of family' },
  RELATIONSHIP_FORMAT: { id: 'Kode SHDK harus 1 sampai 11', en: 'Relationship codes are 1 to 11' },
  RT_RW_MISSING: { id: 'RT/RW kosong', en: 'No RT/RW' },
  RT_RW_FORMAT: { id: 'RT/RW harus angka 1 sampai 3 digit', en: 'RT/RW must be a number of 1 to 3 digits' },
  VILLAGE_MISSING: { id: 'Desa/kelurahan kosong', en: 'No village' },
  VILLAGE_UNKNOWN: { id: 'Nama desa/kelurahan tidak ada dalam daftar resmi', en: 'No village of this name in the official list' },
  VILLAGE_AMBIGUOUS: { id: 'Ada beberapa desa dengan nama ini: isi kecamatan atau kode desa', en: 'Several villages have this name: give the district or the village code' },
  IDENTIFIER_FORMAT: { id: 'NIK/KK bukan angka', en: 'The NIK/KK is not digits' },
  IDENTIFIER_LOST_DIGITS: { id: 'NIK/KK tertulis sebagai angka ilmiah (digit hilang): simpan kolom sebagai teks', en: 'The NIK/KK is in scientific notation (digits lost): store the column as text' },
  KK_MISSING: { id: 'Tanpa nomor KK: dicari di registri, atau didaftarkan sebagai penduduk tanpa keluarga', en: 'No KK: found in the registry, or registered as a person without a family' },
  FAMILY_WITHOUT_HEAD: { id: 'Tidak ada kepala keluarga pada KK ini', en: 'No head of family in this KK' },
  FAMILY_TWO_HEADS: { id: 'Lebih dari satu kepala keluarga pada KK ini', en: 'More than one head of family in this KK' },
  FAMILY_ADDRESS_DIFFERS: { id: 'Alamat anggota satu KK berbeda: alamat kepala keluarga dipakai', en: 'Members of one KK give different addresses: the head\'s is used' },
  FAMILY_TOO_LARGE: { id: 'Lebih dari 30 anggota pada satu KK', en: 'More than 30 members in one KK' },
  EXTRA_CELLS: { id: 'Sel lebih banyak dari kolom: sel tambahan diabaikan', en: 'More cells than columns: the extra cells are ignored' },
  UNREADABLE_ROW: { id: 'Baris tidak terbaca (tanda kutip atau pemisah rusak)', en: 'The row cannot be read (broken quotes or separators)' },
  NUMBER_PRECISION: { id: 'Angka terlalu panjang untuk sel angka: digit dapat hilang (simpan NIK dan KK sebagai teks)', en: 'A number too long for a spreadsheet number: digits may be lost (store NIK and KK as text)' },
  FORMULA_WITHOUT_VALUE: { id: 'Rumus tanpa nilai: buka dan simpan ulang berkas di program spreadsheet', en: 'A formula without a value: open and save the file in a spreadsheet program' },
  ERROR_CELL: { id: 'Sel berisi galat', en: 'The cell holds an error' },
  OUT_OF_SCOPE: { id: 'Desa ini di luar wilayah tugas Anda', en: 'This village is not among the regions you are assigned' },
};

/** The Indonesian and English words of a finding code (the code itself when unknown). */
export function findingMessage(code: string, detail?: string): { id: string; en: string } {
  const known = FINDING_MESSAGES[code];
  return known ? { id: known.id, en: detail ?? known.en } : { id: detail ?? code, en: detail ?? code };
}
