from uchast.cli import main

main()
