// adm-zip ships no types (and @types/adm-zip is not installed): the little the tests read.
declare module 'adm-zip' {
  interface ZipEntry {
    entryName: string;
    isDirectory: boolean;
    getData(): Buffer;
  }
  export default class AdmZip {
    constructor(file?: string);
    getEntries(): ZipEntry[];
    getEntry(name: string): ZipEntry | null;
  }
}
