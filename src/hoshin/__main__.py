from hoshin.cli import main

main()
