/** Given names and family names common in Indonesia (a small hand-made list for synthetic data). */
export const MALE_NAMES = [
  'Budi', 'Agus', 'Slamet', 'Joko', 'Bambang', 'Hendra', 'Rudi', 'Andi', 'Dedi', 'Eko', 'Fajar', 'Hadi', 'Irfan',
  'Muhammad', 'Ahmad', 'Rizky', 'Dimas', 'Arif', 'Wahyu', 'Yusuf', 'Bayu', 'Gilang', 'Teguh', 'Surya', 'Herman',
  'Sutrisno', 'Suparman', 'Hasan', 'Ilham', 'Rahmat', 'Taufik', 'Anton', 'Dwi', 'Imam', 'Nur', 'Rian', 'Doni',
];
export const FEMALE_NAMES = [
  'Siti', 'Sri', 'Dewi', 'Ani', 'Rina', 'Yuni', 'Wati', 'Lestari', 'Fitri', 'Nur', 'Putri', 'Ayu', 'Indah', 'Ratna',
  'Nurhayati', 'Sumiati', 'Endang', 'Rahayu', 'Kartika', 'Maya', 'Aisyah', 'Fatimah', 'Dian', 'Intan', 'Wulan',
  'Suryani', 'Handayani', 'Mega', 'Novi', 'Eka', 'Tuti', 'Yanti', 'Susanti', 'Anisa', 'Nabila', 'Zahra',
];
export const FAMILY_NAMES = [
  'Santoso', 'Wijaya', 'Saputra', 'Pratama', 'Hidayat', 'Siregar', 'Nasution', 'Lubis', 'Harahap', 'Simanjuntak',
  'Kusuma', 'Setiawan', 'Gunawan', 'Purnomo', 'Susanto', 'Hakim', 'Rahman', 'Firmansyah', 'Nugroho', 'Wibowo',
  'Kurniawan', 'Permana', 'Syahputra', 'Ramadhan', 'Hutapea', 'Sitompul', 'Tanjung', 'Matondang', 'Pane', 'Daulay',
];
